package reward

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// PayoutsAccount is where money paid out to members goes: it leaves the
// cooperative there. It only ever grows.
const PayoutsAccount = "payouts"

// MaxPayout bounds one payout request: 10^12 points, the largest budget.
// A request is also never more than the member's balance.
const MaxPayout = points.MaxBudget

// PayoutStatus is where a payout request stands.
type PayoutStatus string

// A request waits until a steward records it as paid, or its member
// cancels it.
const (
	PayoutRequested PayoutStatus = "requested"
	PayoutPaid      PayoutStatus = "paid"
	PayoutCancelled PayoutStatus = "cancelled"
)

// Payout is a member's request to be paid some of their balance. It holds
// the amount only: how the member is paid is arranged with the stewards,
// outside the system, and never stored or logged.
type Payout struct {
	ID          int64        `json:"id"`
	Member      string       `json:"member"` // the member's pseudonym
	Amount      int64        `json:"amount"`
	Status      PayoutStatus `json:"status"`
	RequestedAt time.Time    `json:"requested_at"`
	DecidedAt   *time.Time   `json:"decided_at,omitempty"`
	// EventID is the payout.paid ledger event, once paid.
	EventID string `json:"event_id,omitempty"`
	// SelfRecorded: the only steward recorded their own payout as paid,
	// which the event says in public too (SelfRecordedScope).
	SelfRecorded bool `json:"self_recorded,omitempty"`
}

// SelfRecordedScope is the scope of the payout.paid event of a payout its
// own member recorded — the cooperative's only steward, paying themself —
// so that every reader of the public log sees that nobody else confirmed
// it.
const SelfRecordedScope = "recorded:self"

// RequestPayout is a member asking to be paid amount points of their
// balance, from their own account (publicID, theirs alone). The amount must be positive, within MaxPayout and no more than
// the balance; a member has at most one request waiting at a time. A
// refusal is a problem naming the field "amount".
func (s *Service) RequestPayout(ctx context.Context, actor member.Member, publicID string, amount int64) (Payout, error) {
	if err := member.Own(actor, publicID, "only a member asks for their own payout"); err != nil {
		return Payout{}, err
	}
	if amount <= 0 {
		return Payout{}, payoutProblem(problem.Invalid, "more than nothing: a payout is at least one point")
	}
	if err := points.Check("amount", amount, 1, MaxPayout); err != nil {
		return Payout{}, err
	}
	p := Payout{Member: actor.PublicID, Amount: amount, Status: PayoutRequested, RequestedAt: store.Time(store.Now())}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var waiting int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM payouts WHERE member_id = $1 AND status = 'requested'`, actor.ID).Scan(&waiting)
		if err == nil {
			return problem.New(problem.Conflict, "your payout request %d is still waiting for a steward: cancel it to ask for another amount", waiting)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reward: payout request: %w", err)
		}
		bal, err := balance(ctx, tx, MemberAccount(actor.PublicID))
		if err != nil {
			return err
		}
		if amount > bal {
			return payoutProblem(problem.Invalid, "more than your balance: ask for your balance at most")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO payouts (member_id, amount, status, requested_at) VALUES ($1, $2, 'requested', $3) RETURNING id`,
			actor.ID, amount, p.RequestedAt.UnixMilli()).Scan(&p.ID)
		if store.IsUniqueViolation(err) {
			// Another request of the member's came in at the same
			// moment: the index on waiting requests kept it to one.
			return problem.New(problem.Conflict, "another payout request of yours is waiting for a steward: cancel it to ask for another amount")
		}
		return err
	})
	if err != nil {
		return Payout{}, err
	}
	return p, nil
}

func payoutProblem(kind problem.Kind, msg string) error {
	return &problem.Error{Kind: kind, Message: "amount: " + msg, Fields: map[string]string{"amount": msg}}
}

// CancelPayout is a member taking back their own waiting request. Someone
// else's request does not exist for them.
func (s *Service) CancelPayout(ctx context.Context, actor member.Member, id int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		p, memberID, err := payoutTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if memberID != actor.ID {
			return problem.New(problem.NotFound, "no payout request %d", id)
		}
		if p.Status != PayoutRequested {
			return problem.New(problem.Conflict, "payout request %d is already %s", id, p.Status)
		}
		_, err = tx.ExecContext(ctx, `UPDATE payouts SET status = 'cancelled', decided_at = $2, decided_by = $3 WHERE id = $1`, id, store.Now(), actor.ID)
		return err
	})
}

// RecordPayout is a steward recording that they paid a waiting request:
// in one transaction the request becomes paid and a payout.paid event
// moves its amount from the member's account to PayoutsAccount (two
// postings that sum to zero; the entry names the member's pseudonym and
// the amount, as every payment does, and commits to the payout's number
// only). A member whose balance has meanwhile dropped below the amount is
// refused as a conflict, and nothing is written. Only stewards record
// payouts, and not their own.
func (s *Service) RecordPayout(ctx context.Context, actor member.Member, id int64) (Payout, error) {
	if !actor.IsSteward() {
		return Payout{}, problem.New(problem.Forbidden, "only stewards record payouts")
	}
	var out Payout
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, memberID, err := payoutTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Status != PayoutRequested {
			return problem.New(problem.Conflict, "payout request %d is already %s", id, p.Status)
		}
		self := memberID == actor.ID
		if self {
			alone, err := onlySteward(ctx, tx)
			if err != nil {
				return err
			}
			if !alone {
				return problem.New(problem.Forbidden, "another steward records your own payout: a steward records their own only while they are the cooperative's only steward")
			}
		}
		scope := ""
		if self {
			scope = SelfRecordedScope
		}
		eventID, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.PayoutPaid, MemberID: memberID, Scope: scope,
			Postings: []ledger.Posting{{Account: MemberAccount(p.Member), Amount: -p.Amount}, {Account: PayoutsAccount, Amount: p.Amount}},
			Content:  map[string]int64{"payout": id}})
		if errors.Is(err, ErrInsufficient) {
			return payoutProblem(problem.Conflict, "more than the member's balance now holds: they can cancel it and ask again")
		}
		if err != nil {
			return err
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE payouts SET status = 'paid', decided_at = $2, decided_by = $3, event_id = $4 WHERE id = $1`,
			id, now, actor.ID, eventID); err != nil {
			return fmt.Errorf("reward: record payout %d: %w", id, err)
		}
		at := store.Time(now)
		p.Status, p.DecidedAt, p.EventID, p.SelfRecorded = PayoutPaid, &at, eventID, self
		out = p
		return nil
	})
	return out, err
}

// MayRecord says whether the steward may record this payout as paid: any
// request but their own, and their own too while they are the only
// steward (RecordPayout decides again, in its transaction). Pages ask it
// to offer the button, or to say that another steward records it.
func (s *Service) MayRecord(ctx context.Context, actor member.Member, p Payout) (bool, error) {
	if !actor.IsSteward() {
		return false, nil
	}
	if p.Member != actor.PublicID {
		return true, nil
	}
	return onlySteward(ctx, s.db.Read())
}

// onlySteward says whether the cooperative has one steward. A cooperative
// that has only one can still pay that steward: they record their own
// payout, and the public log says so; with two or more, a payout is always
// recorded by someone other than the member paid.
func onlySteward(ctx context.Context, q store.Querier) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE role = 'steward'`).Scan(&n); err != nil {
		return false, fmt.Errorf("reward: count stewards: %w", err)
	}
	return n == 1, nil
}

// Payouts lists a page of a member's own payout requests, newest first.
// Only the member themself may list them.
func (s *Service) Payouts(ctx context.Context, actor member.Member, publicID string, page store.Page) ([]Payout, string, error) {
	if err := member.Own(actor, publicID, "these are another member's payouts"); err != nil {
		return nil, "", err
	}
	return s.payouts(ctx, page, `p.member_id = $3`, actor.ID)
}

// PendingPayouts lists a page of the requests waiting for a steward,
// oldest first, and the cursor of the next page: the stewards' queue.
// Only stewards may see it.
func (s *Service) PendingPayouts(ctx context.Context, actor member.Member, page store.Page) ([]Payout, string, error) {
	if !actor.IsSteward() {
		return nil, "", problem.New(problem.Forbidden, "only stewards see payout requests")
	}
	return s.payouts(ctx, page, `p.status = 'requested'`)
}

// PendingPayoutCount is how many payout requests wait for a steward (the
// partial index on waiting requests answers it).
func (s *Service) PendingPayoutCount(ctx context.Context, actor member.Member) (int, error) {
	if !actor.IsSteward() {
		return 0, problem.New(problem.Forbidden, "only stewards see payout requests")
	}
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM payouts WHERE status = 'requested'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("reward: count payout requests: %w", err)
	}
	return n, nil
}

const payoutColumns = `SELECT p.id, m.public_id, p.amount, p.status, p.requested_at, p.decided_at, COALESCE(p.event_id, ''),
	CASE WHEN p.decided_by = p.member_id THEN 1 ELSE 0 END
	FROM payouts p JOIN members m ON m.id = p.member_id`

func (s *Service) payouts(ctx context.Context, page store.Page, where string, args ...any) ([]Payout, string, error) {
	cursor, err := page.ID("a payout number: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	// A member's own list is newest first; the stewards' queue oldest
	// first, so that who asked first is paid first.
	order, cmp := "DESC", "<"
	if len(args) == 0 {
		order, cmp = "ASC", ">"
		if page.Before == "" {
			cursor = 0
		}
	}
	q := payoutColumns + ` WHERE ` + where + ` AND p.id ` + cmp + ` $2 ORDER BY p.id ` + order + ` LIMIT $1`
	rows, err := s.db.Read().QueryContext(ctx, q, append([]any{page.Fetch(), cursor}, args...)...)
	if err != nil {
		return nil, "", fmt.Errorf("reward: payouts: %w", err)
	}
	defer rows.Close()
	var out []Payout
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reward: payouts: %w", err)
	}
	out, next := store.Cut(page, out, func(p Payout) string { return strconv.FormatInt(p.ID, 10) })
	return out, next, nil
}

type scanner interface{ Scan(...any) error }

func scanPayout(r scanner) (Payout, error) {
	var p Payout
	var requested int64
	var decided sql.NullInt64
	var self int
	if err := r.Scan(&p.ID, &p.Member, &p.Amount, &p.Status, &requested, &decided, &p.EventID, &self); err != nil {
		return Payout{}, fmt.Errorf("reward: payout: %w", err)
	}
	p.SelfRecorded = self == 1
	p.RequestedAt = store.Time(requested)
	if decided.Valid {
		at := store.Time(decided.Int64)
		p.DecidedAt = &at
	}
	return p, nil
}

// payoutTx reads a payout and its member's id inside a transaction.
func payoutTx(ctx context.Context, tx *store.Tx, id int64) (Payout, int64, error) {
	var memberID int64
	var p Payout
	row := tx.QueryRowContext(ctx, `SELECT p.member_id, p.id, m.public_id, p.amount, p.status, p.requested_at, p.decided_at, COALESCE(p.event_id, '')
		FROM payouts p JOIN members m ON m.id = p.member_id WHERE p.id = $1`, id)
	var requested int64
	var decided sql.NullInt64
	err := row.Scan(&memberID, &p.ID, &p.Member, &p.Amount, &p.Status, &requested, &decided, &p.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return Payout{}, 0, problem.New(problem.NotFound, "no payout request %d", id)
	}
	if err != nil {
		return Payout{}, 0, fmt.Errorf("reward: payout %d: %w", id, err)
	}
	p.RequestedAt = store.Time(requested)
	if decided.Valid {
		at := store.Time(decided.Int64)
		p.DecidedAt = &at
	}
	return p, memberID, nil
}
