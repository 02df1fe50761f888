package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// Recorded is an event as its member sees it in their history.
type Recorded struct {
	EventID   string
	Type      Type
	Entry     Entry
	CreatedAt time.Time
	// LogIndex is the event's position in the public log; Logged is false
	// while the event waits in the outbox.
	LogIndex uint64
	Logged   bool
	// Erased is true once the private half (salt and content) is deleted:
	// the entry stays in the log but opens to nothing.
	Erased bool
}

// ForMember returns a page of a member's events, newest first, and the
// cursor (an event id) of the next page.
func (l *Ledger) ForMember(ctx context.Context, memberID int64, page store.Page) ([]Recorded, string, error) {
	q := l.db.Read()
	where, args := `member_id = $1`, []any{memberID, page.Fetch()}
	if page.Before != "" {
		seq, err := page.Row(ctx, q, "not one of your events; use the next cursor of the previous page", `SELECT seq FROM ledger_events WHERE event_id = $1 AND member_id = $2`, memberID)
		if err != nil {
			return nil, "", fmt.Errorf("ledger: history: %w", err)
		}
		where, args = where+` AND seq < $3`, append(args, seq)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT event_id, type, entry, created_at, log_index, salt IS NULL
		FROM ledger_events WHERE `+where+` ORDER BY seq DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("ledger: history: %w", err)
	}
	defer rows.Close()
	var out []Recorded
	for rows.Next() {
		var r Recorded
		var entry []byte
		var created int64
		var idx sql.NullInt64
		if err := rows.Scan(&r.EventID, &r.Type, &entry, &created, &idx, &r.Erased); err != nil {
			return nil, "", fmt.Errorf("ledger: history: %w", err)
		}
		if r.Entry, err = ParseEntry(entry); err != nil {
			return nil, "", fmt.Errorf("ledger: history: event %s: %w", r.EventID, err)
		}
		r.CreatedAt = store.Time(created)
		r.LogIndex, r.Logged = uint64(idx.Int64), idx.Valid
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("ledger: history: %w", err)
	}
	out, next := store.Cut(page, out, func(r Recorded) string { return r.EventID })
	return out, next, nil
}

// Stats are the outbox's numbers, for the audit page and metrics.
type Stats struct {
	Events  int64
	Pending int64
}

// Stats counts events, and those still waiting for the log. Events are
// never deleted, so their number is the newest sequence number — one
// lookup rather than a count of the whole history (on PostgreSQL a
// rolled-back transaction may skip a number, so it is an upper bound
// there); the waiting ones are counted along their partial index.
func (l *Ledger) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := l.db.Read().QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(max(seq), 0) FROM ledger_events),
		(SELECT count(*) FROM ledger_events WHERE log_index IS NULL)`).Scan(&s.Events, &s.Pending)
	if err != nil {
		return Stats{}, fmt.Errorf("ledger: stats: %w", err)
	}
	return s, nil
}
