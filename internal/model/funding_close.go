package model

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// JobCloseRounds is the chore that closes funding rounds at their deadline.
const JobCloseRounds = "model.close-funding-rounds"

// CloseRound closes the model's open funding round now: its builder may,
// before the deadline, and so may a steward. A round that met its goal is
// funded; one that did not returns every pledge.
func (s *Service) CloseRound(ctx context.Context, actor member.Member, slug string) (Round, error) {
	m, err := s.BySlug(ctx, slug)
	if err != nil {
		return Round{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.lockRound(ctx, tx, `r.model_id = $1 AND r.state IN ('open', 'funded')`, m.ID)
		if err != nil {
			return err
		}
		if actor.ID != r.builderID && !actor.IsSteward() {
			return problem.New(problem.Forbidden, "only the model's builder or a steward closes its funding round")
		}
		if r.State != RoundOpen {
			return problem.New(problem.Conflict, "the funding round is closed already")
		}
		return s.close(ctx, tx, r)
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

// CloseDueRounds closes every open round whose deadline is not after now
// and returns how many it closed. It acts for nobody: the deadline was
// published with the round's terms.
func (s *Service) CloseDueRounds(ctx context.Context, now time.Time) (int, error) {
	ids, err := store.IDs(ctx, s.db.Read(), `SELECT id FROM funding_rounds WHERE state = 'open' AND deadline <= $1 ORDER BY id`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("due funding rounds: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			r, err := s.lockRound(ctx, tx, `r.id = $1`, id)
			if err != nil {
				return err
			}
			if r.State != RoundOpen {
				return nil // the builder closed it meanwhile
			}
			n++
			return s.close(ctx, tx, r)
		})
		if err != nil {
			return n, fmt.Errorf("close funding round %d: %w", id, err)
		}
	}
	return n, nil
}

// close settles a locked open round in tx: met, the escrow pays the
// builder's costs and returns the rest pro rata; missed, it returns every
// pledge. The state changes in the same transaction, so nothing is paid
// twice.
func (s *Service) close(ctx context.Context, tx *store.Tx, r Round) error {
	_, accounts, pledges, err := stakes(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	state, typ := RoundFailed, ledger.FundingRefunded
	amounts := map[string]int64{}
	var content map[string]any
	if r.Met() {
		state, typ = RoundFunded, ledger.FundingMet
		rest := r.Pledged - r.Costs // costs ≤ goal ≤ pledged
		parts, err := reward.ProRata(rest, pledges)
		if err != nil {
			return err
		}
		var builder string
		if err := tx.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, r.builderID).Scan(&builder); err != nil {
			return err
		}
		amounts[reward.MemberAccount(builder)] = r.Costs
		for i, a := range accounts {
			amounts[a] += parts[i] // each ≤ pledged ≤ MaxBudget: no overflow
		}
		content = map[string]any{"round": r.ID, "pledged": r.Pledged, "costs": r.Costs, "returned": rest, "funders": len(accounts)}
	} else {
		for i, a := range accounts {
			amounts[a] = pledges[i]
		}
		content = map[string]any{"round": r.ID, "pledged": r.Pledged, "goal": r.Goal, "funders": len(accounts)}
	}
	var eventID any
	if r.Pledged > 0 {
		postings := []ledger.Posting{{Account: FundingEscrow(r.ID), Amount: -r.Pledged}}
		for _, a := range slices.Sorted(maps.Keys(amounts)) {
			if amounts[a] != 0 {
				postings = append(postings, ledger.Posting{Account: a, Amount: amounts[a]})
			}
		}
		var sum int64
		for _, p := range postings[1:] {
			if sum, err = points.Add(sum, p.Amount); err != nil {
				return err
			}
		}
		if sum != r.Pledged {
			return fmt.Errorf("funding round %d: %d pledged, %d paid out", r.ID, r.Pledged, sum)
		}
		id, err := s.reward.Transfer(ctx, tx, ledger.Event{Type: typ, Scope: roundScope(r.ID), Postings: postings, Content: content})
		if err != nil {
			return err
		}
		eventID = id
	}
	res, err := tx.ExecContext(ctx, `UPDATE funding_rounds SET state = $2, closed_at = $3, close_event_id = $4 WHERE id = $1 AND state = 'open'`, r.ID, state, store.Now(), eventID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("funding round %d: closed twice (%d, %v)", r.ID, n, err)
	}
	return nil
}
