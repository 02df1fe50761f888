package model

import (
	"context"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Pledge moves amount points from the member's balance into the escrow of
// the model's open funding round. A member's pledges to one round add up.
// Refused: an amount below 1 or beyond what the goal still lacks or the
// member holds (422, naming the amount), a round closed or past its
// deadline — also one that closed while this pledge waited for its lock —
// (409), a round with MaxFunders funders already (409).
func (s *Service) Pledge(ctx context.Context, actor member.Member, slug string, amount int64) (Round, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Round{}, err
	}
	if amount < 1 {
		return Round{}, problem.Fields{"amount": "at least 1 point"}.Err()
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// The round's row first: a close waits for this pledge, or this
		// pledge sees the close.
		r, err := s.lockRound(ctx, tx, `r.model_id = $1 AND r.state IN ('open', 'funded')`, m.ID)
		if err != nil {
			return err
		}
		if r.State != RoundOpen {
			return problem.New(problem.Conflict, "the funding round is closed: nothing was pledged")
		}
		if !time.Now().Before(r.Deadline) {
			return problem.New(problem.Conflict, "the funding round's deadline has passed: nothing was pledged")
		}
		if amount > r.Remaining() {
			// No amount in the words: a page says them in money beside
			// the field, the API's round says them in points.
			return problem.Fields{"amount": "more than the goal still lacks"}.Err()
		}
		account := reward.MemberAccount(actor.PublicID)
		held, err := reward.BalanceTx(ctx, tx, account)
		if err != nil {
			return err
		}
		if amount > held {
			return problem.Fields{"amount": "more than your balance"}.Err()
		}
		var funders int
		var mine int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN member_id = $2 THEN 1 ELSE 0 END), 0) FROM funding_pledges WHERE round_id = $1`, r.ID, actor.ID).Scan(&funders, &mine); err != nil {
			return err
		}
		if mine == 0 && funders >= MaxFunders {
			return problem.New(problem.Conflict, "the funding round has %d funders, the most a round may have", MaxFunders)
		}
		// Transfer checks the balance again under the account's lock: a
		// payment spent meanwhile makes it refuse, not overdraw.
		if _, err := s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.FundingPledged, MemberID: actor.ID, Scope: roundScope(r.ID),
			Postings: []ledger.Posting{{Account: account, Amount: -amount}, {Account: FundingEscrow(r.ID), Amount: amount}},
			Content:  map[string]any{"round": r.ID, "amount": amount}}); err != nil {
			return err
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO funding_pledges (round_id, member_id, amount, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, member_id) DO UPDATE SET amount = funding_pledges.amount + excluded.amount`, r.ID, actor.ID, amount, now); err != nil {
			return err
		}
		// pledged + amount ≤ goal ≤ MaxBudget: no overflow.
		_, err = tx.ExecContext(ctx, `UPDATE funding_rounds SET pledged = pledged + $2 WHERE id = $1`, r.ID, amount)
		return err
	})
	if err != nil {
		return Round{}, err
	}
	r, err := s.RoundOf(ctx, actor, slug)
	if err != nil {
		return Round{}, err
	}
	return *r, nil
}
