package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// Ledger records events in the database's outbox (the ledger_events table)
// in the caller's transaction, and tells whoever publishes them to the log
// that there is work.
type Ledger struct {
	db      *store.DB
	pending chan struct{}
}

// New returns a ledger over db.
func New(db *store.DB) *Ledger {
	return &Ledger{db: db, pending: make(chan struct{}, 1)}
}

// Pending signals, without blocking, each time a transaction that recorded
// events commits. The log publisher waits on it.
func (l *Ledger) Pending() <-chan struct{} { return l.pending }

// Record stores ev in tx. The event exists exactly when tx commits, so a
// change and the event it causes can never be seen apart. It returns the
// event id.
func (l *Ledger) Record(ctx context.Context, tx *store.Tx, ev Event) (string, error) {
	var publicID string
	var memberID any
	if ev.MemberID != 0 {
		err := tx.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, ev.MemberID).Scan(&publicID)
		if err != nil {
			return "", fmt.Errorf("ledger: member %d: %w", ev.MemberID, err)
		}
		memberID = ev.MemberID
	}
	s, err := seal(ev, publicID, time.Now())
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO ledger_events (event_id, type, member_id, entry, salt, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.id, string(ev.Type), memberID, s.entry, s.salt, s.content, store.Now())
	if err != nil {
		return "", fmt.Errorf("ledger: record %s: %w", ev.Type, err)
	}
	if len(s.lines) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_shares (event_id, lines) VALUES ($1, $2)`, s.id, joinLines(s.lines)); err != nil {
			return "", fmt.Errorf("ledger: record %s: share lines: %w", ev.Type, err)
		}
	}
	tx.AfterCommit(l.signal)
	return s.id, nil
}

func (l *Ledger) signal() {
	select {
	case l.pending <- struct{}{}:
	default:
	}
}

// Unlogged is an event that the log does not have yet.
type Unlogged struct {
	Seq     int64
	EventID string
	Entry   []byte
}

// Unpublished returns up to limit events not yet in the log, oldest first.
func (l *Ledger) Unpublished(ctx context.Context, limit int) ([]Unlogged, error) {
	rows, err := l.db.Read().QueryContext(ctx, `
		SELECT seq, event_id, entry FROM ledger_events
		WHERE log_index IS NULL ORDER BY seq LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: read outbox: %w", err)
	}
	defer rows.Close()
	var out []Unlogged
	for rows.Next() {
		var u Unlogged
		if err := rows.Scan(&u.Seq, &u.EventID, &u.Entry); err != nil {
			return nil, fmt.Errorf("ledger: read outbox: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrAlreadyLogged is returned by MarkLogged when an event already has a
// different log index: the log holds it twice, which must never happen.
var ErrAlreadyLogged = errors.New("ledger: event already has another log index")

// MarkLogged writes back the log index of each event, in one transaction.
// Writing the same index again is a no-op, so a publisher that restarts
// after a crash can replay its last batch safely.
func (l *Ledger) MarkLogged(ctx context.Context, indexes map[string]uint64) error {
	_, err := l.markLogged(ctx, indexes, false)
	return err
}

// A Duplicate is a second copy of an event in the log.
type Duplicate struct {
	EventID string
	Index   uint64 // the copy
	Logged  uint64 // the index the database has for the event
}

// markLogged is MarkLogged; with skipDuplicates, an event that already has
// another index is returned as a Duplicate instead of failing the whole
// transaction. That is for entries read back from the log, which may hold
// copies published before issue 11 was fixed: they stay in the log for
// good, and the first index is the one receipts are made for.
func (l *Ledger) markLogged(ctx context.Context, indexes map[string]uint64, skipDuplicates bool) (dups []Duplicate, err error) {
	now := store.Now()
	err = l.db.InTx(ctx, func(tx *store.Tx) error {
		dups = dups[:0]
		// One prepared statement per row: a single UPDATE … FROM (VALUES …)
		// was tried and SQLite planned it as a scan per value.
		update, err := tx.PrepareContext(ctx, `UPDATE ledger_events SET log_index = $2, logged_at = $3 WHERE event_id = $1 AND log_index IS NULL`)
		if err != nil {
			return fmt.Errorf("ledger: mark logged: %w", err)
		}
		defer update.Close()
		for id, idx := range indexes {
			res, err := update.ExecContext(ctx, id, int64(idx), now)
			if err != nil {
				return fmt.Errorf("ledger: mark logged: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				continue
			}
			// Rare: the event is unknown or already has an index.
			var cur sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT log_index FROM ledger_events WHERE event_id = $1`, id).Scan(&cur); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("ledger: mark logged: event %s: %w", id, store.ErrNotFound)
				}
				return fmt.Errorf("ledger: mark logged: %w", err)
			}
			if uint64(cur.Int64) == idx {
				continue
			}
			if !skipDuplicates {
				return fmt.Errorf("%w: event %s at %d and %d", ErrAlreadyLogged, id, cur.Int64, idx)
			}
			dups = append(dups, Duplicate{EventID: id, Index: idx, Logged: uint64(cur.Int64)})
		}
		return nil
	})
	return dups, err
}

// loggedWidth is how many event ids one query of logged asks about.
const loggedWidth = 256

// loggedQuery asks which of loggedWidth event ids have a log index. It
// has one text whatever the batch's size — the ids are padded with NULL,
// which matches nothing — so that SQLite's statement cache, which keeps a
// statement per text, holds it once rather than once per batch size.
var loggedQuery = func() string {
	var q strings.Builder
	q.WriteString(`SELECT event_id FROM ledger_events WHERE log_index IS NOT NULL AND event_id IN (`)
	for i := range loggedWidth {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "$%d", i+1)
	}
	q.WriteString(")")
	return q.String()
}()

// logged returns which events of batch the database has a log index for.
func (l *Ledger) logged(ctx context.Context, batch []Unlogged) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(batch, loggedWidth) {
		args := make([]any, loggedWidth)
		for i, u := range chunk {
			args[i] = u.EventID
		}
		rows, err := l.db.Read().QueryContext(ctx, loggedQuery, args...)
		if err != nil {
			return nil, fmt.Errorf("ledger: read logged events: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("ledger: read logged events: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("ledger: read logged events: %w", err)
		}
	}
	return out, nil
}

// firstUnrecorded returns the lowest log index no event has, and one more
// than the highest index an event has (0 and 0 for none). They differ only
// when a publisher died with a batch unrecorded while another recorded a
// later one, or when the log holds copies of events.
func (l *Ledger) firstUnrecorded(ctx context.Context) (first, end uint64, err error) {
	var n int64
	var highest sql.NullInt64
	q := l.db.Read()
	if err := q.QueryRowContext(ctx, `SELECT count(log_index), max(log_index) FROM ledger_events WHERE log_index IS NOT NULL`).Scan(&n, &highest); err != nil {
		return 0, 0, err
	}
	if !highest.Valid {
		return 0, 0, nil
	}
	end = uint64(highest.Int64) + 1
	if uint64(n) == end {
		return end, end, nil
	}
	// A gap: the first index whose successor is missing, or 0 itself.
	var zero int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE log_index = 0`).Scan(&zero); err != nil {
		return 0, 0, err
	}
	if zero == 0 {
		return 0, end, nil
	}
	var gap int64
	err = q.QueryRowContext(ctx, `
		SELECT min(e.log_index) + 1 FROM ledger_events e
		WHERE e.log_index IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ledger_events f WHERE f.log_index = e.log_index + 1)`).Scan(&gap)
	if err != nil {
		return 0, 0, err
	}
	return uint64(gap), end, nil
}

// Forget deletes the private half of an event — its salt and content — so
// that its public entry can no longer be opened or linked to anyone. It is
// part of erasure and cannot be undone.
func (l *Ledger) Forget(ctx context.Context, tx *store.Tx, eventID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_events SET salt = NULL, content = NULL WHERE event_id = $1`, eventID); err != nil {
		return fmt.Errorf("ledger: forget %s: %w", eventID, err)
	}
	return nil
}
