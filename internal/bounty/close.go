package bounty

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Close ends a bounty before its deadline: its funder or a steward. What
// the escrow still holds returns to the account it came from; claims still
// waiting for the funder lapse.
func (s *Service) Close(ctx context.Context, actor member.Member, id int64) (Bounty, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return Bounty{}, err
	}
	if !MayClose(actor, b) {
		return Bounty{}, problem.New(problem.Forbidden, "only the bounty's funder or a steward closes it")
	}
	if err := s.db.InTx(ctx, func(tx *store.Tx) error { return s.close(ctx, tx, id, actor.ID) }); err != nil {
		return Bounty{}, err
	}
	return s.Get(ctx, id)
}

// CloseDue closes every open bounty whose deadline has passed, as a chore
// acting for nobody: it does only what the terms promised. It returns how
// many it closed.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM bounties WHERE status = 'open' AND deadline <= $1 ORDER BY id LIMIT 100`, s.now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("bounty: due: %w", err)
	}
	var due []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("bounty: due: %w", err)
		}
		due = append(due, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("bounty: due: %w", err)
	}
	n := 0
	for _, id := range due {
		err := s.db.InTx(ctx, func(tx *store.Tx) error { return s.close(ctx, tx, id, 0) })
		if problem.Is(err, problem.Conflict) {
			continue // closed meanwhile by its funder
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// lapsedReason is why a claim that waited for the funder was not paid
// when the bounty closed.
const lapsedReason = "the bounty closed before its funder decided"

// close marks a bounty closed and refunds its escrow's rest, under the
// bounty's row lock: the status moves from open once, so the rest is
// refunded once.
func (s *Service) close(ctx context.Context, tx *store.Tx, id, by int64) error {
	b, err := s.lock(ctx, tx, id)
	if err != nil {
		return err
	}
	if b.Status != "open" {
		return problem.New(problem.Conflict, "the bounty is closed already")
	}
	left, err := reward.BalanceTx(ctx, tx, EscrowAccount(b.ID))
	if err != nil {
		return err
	}
	var refundEvent any
	if left > 0 {
		// The rest goes back where the budget came from: a funding account,
		// or the funder's own balance.
		ev, err := s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.BountyRefunded, MemberID: b.funderID, Scope: b.Scope(),
			Postings: []ledger.Posting{{Account: EscrowAccount(b.ID), Amount: -left}, {Account: b.SourceAccount(), Amount: left}}})
		if err != nil {
			return err
		}
		refundEvent = ev
	}
	// Claims still waiting for the funder lapse with the bounty.
	if _, err := tx.ExecContext(ctx, `UPDATE bounty_requests SET state = 'rejected', reason = $2, decided_at = $3 WHERE bounty_id = $1 AND state = 'waiting'`,
		b.ID, lapsedReason, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("bounty: lapse waiting claims: %w", err)
	}
	var closedBy any
	if by != 0 {
		closedBy = by
	}
	_, err = tx.ExecContext(ctx, `UPDATE bounties SET status = 'closed', closed_at = $2, closed_by = $3, refund = $4, refund_event = $5 WHERE id = $1 AND status = 'open'`,
		b.ID, s.now().UnixMilli(), closedBy, left, refundEvent)
	if err != nil {
		return fmt.Errorf("bounty: close: %w", err)
	}
	return nil
}
