package reward

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// Paid is one payment into a member's account — for a task, a share of
// a model call or an automation run, a recording, a refund, a deposit —
// with what its receipt needs: the event, and whether the log has it yet.
type Paid struct {
	id        int64 // the posting's, for the next page
	EventID   string
	Type      ledger.Type
	Scope     string
	Amount    int64
	CreatedAt time.Time
	// LogIndex is the event's position in the public log; Logged is false
	// while the event waits in the outbox and has no receipt yet.
	LogIndex uint64
	Logged   bool
}

// Receipts lists a page of the payments into a member's account, newest
// first, and the cursor (a posting id) of the next page. Each has a
// receipt (ledger.Receipt) once it is logged. Only the member themself may
// list them: who was paid what is theirs alone, whatever the log shows
// under their pseudonym. The page is read along postings_paid, so a member
// who also paid for many calls waits no longer for it.
func (s *Service) Receipts(ctx context.Context, actor member.Member, publicID string, page store.Page) ([]Paid, string, error) {
	if err := member.Own(actor, publicID, "these are another member's receipts"); err != nil {
		return nil, "", err
	}
	before, err := page.ID("a posting id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT p.id, p.event_id, e.type, p.amount, p.created_at, e.entry, e.log_index
		FROM postings p JOIN ledger_events e ON e.event_id = p.event_id
		WHERE p.account = $1 AND p.amount > 0 AND p.id < $3 ORDER BY p.id DESC LIMIT $2`,
		MemberAccount(actor.PublicID), page.Fetch(), before)
	if err != nil {
		return nil, "", fmt.Errorf("reward: receipts: %w", err)
	}
	defer rows.Close()
	var out []Paid
	for rows.Next() {
		var p Paid
		var entry []byte
		var created int64
		var idx sql.NullInt64
		if err := rows.Scan(&p.id, &p.EventID, &p.Type, &p.Amount, &created, &entry, &idx); err != nil {
			return nil, "", fmt.Errorf("reward: receipts: %w", err)
		}
		e, err := ledger.ParseEntry(entry)
		if err != nil {
			return nil, "", fmt.Errorf("reward: receipts: event %s: %w", p.EventID, err)
		}
		p.Scope, p.CreatedAt = e.Scope, store.Time(created)
		p.LogIndex, p.Logged = uint64(idx.Int64), idx.Valid
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reward: receipts: %w", err)
	}
	out, next := store.Cut(page, out, func(p Paid) string { return strconv.FormatInt(p.id, 10) })
	return out, next, nil
}
