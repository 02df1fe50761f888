package govern

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// decisionContent is the private half of a proposal.decided event. The
// result holds only totals per option, never who voted for what.
type decisionContent struct {
	Proposal int64  `json:"proposal"`
	Title    string `json:"title"`
	Mode     Mode   `json:"mode"`
	Result   Result `json:"result"`
}

// Decide counts every open proposal whose voting window has ended by now,
// each in its own transaction: it publishes the result as a
// proposal.decided event and, when a binding proposal passes, sets its
// parameter in the same transaction. It returns how many it decided. A
// proposal is decided once: a second call, or another replica, finds it
// decided and leaves it alone. A failure on one proposal does not hold
// up the others; the errors are returned together.
func (s *Service) Decide(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM proposals WHERE status = 'open' AND closes_at <= $1 ORDER BY closes_at, id`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("govern: proposals to decide: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("govern: proposals to decide: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("govern: proposals to decide: %w", err)
	}
	decided := 0
	var errs []error
	for _, id := range ids {
		ok, err := s.decide(ctx, id, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("govern: decide proposal %d: %w", id, err))
			continue
		}
		if ok {
			decided++
		}
	}
	return decided, errors.Join(errs...)
}

func (s *Service) decide(ctx context.Context, id int64, now time.Time) (bool, error) {
	decided := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.lockProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Phase(now) != Counting {
			return nil
		}
		ballots, err := ballotsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		electorate, err := electorateWeight(ctx, tx, p.Mode)
		if err != nil {
			return err
		}
		res := Tally(p.Options, p.Quorum, ballots, electorate)
		if res.Status == Passed && p.Binding() {
			if err := s.apply(ctx, tx, p, &res); err != nil {
				return err
			}
		}
		eventID, err := s.ledger.Record(ctx, tx, ledger.Event{
			Type:    ledger.ProposalDecided,
			Scope:   scope(id),
			Content: decisionContent{Proposal: id, Title: p.Title, Mode: p.Mode, Result: res},
		})
		if err != nil {
			return err
		}
		resultJSON, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("encode result: %w", err)
		}
		updated, err := tx.ExecContext(ctx, `UPDATE proposals SET status = $2, result = $3, decided_at = $4, event_id = $5 WHERE id = $1 AND status = 'open'`,
			id, string(res.Status), string(resultJSON), now.UnixMilli(), eventID)
		if err != nil {
			return fmt.Errorf("record result: %w", err)
		}
		// The row lock makes this impossible; if it ever happens, roll back
		// rather than publish a second decision.
		if n, err := updated.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("record result: %d rows changed (%v): decided twice?", n, err)
		}
		decided = true
		return nil
	})
	return decided, err
}

// apply sets a passed binding proposal's parameter. A value the
// parameter's limits no longer allow (the limits are code, and may have
// changed since the proposal was made) rejects the proposal rather than
// fail the count for ever.
func (s *Service) apply(ctx context.Context, tx *store.Tx, p Proposal, res *Result) error {
	value := p.Options[res.Winner].Value
	prev, err := s.params.Get(ctx, tx, p.Param)
	if err != nil {
		return err
	}
	if err := s.params.Set(ctx, tx, p.Param, *value); err != nil {
		if pr, ok := problem.As(err); ok && pr.Kind == problem.Invalid {
			res.Status = Rejected
			res.Note = "the winning value is outside the parameter's limits now: " + pr.Message
			return nil
		}
		return err
	}
	v := *value
	res.Param, res.Previous, res.Applied = p.Param, &prev, &v
	return nil
}

// ballotsOf returns a proposal's votes in member order, so that weights
// are added up in the same order every time.
func ballotsOf(ctx context.Context, q store.Querier, proposalID int64) ([]Ballot, error) {
	rows, err := q.QueryContext(ctx, `SELECT option, weight FROM votes WHERE proposal_id = $1 ORDER BY member_id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("read votes: %w", err)
	}
	defer rows.Close()
	var out []Ballot
	for rows.Next() {
		var option string
		var b Ballot
		if err := rows.Scan(&option, &b.Weight); err != nil {
			return nil, fmt.Errorf("read votes: %w", err)
		}
		if b.Option, err = strconv.Atoi(option); err != nil {
			return nil, fmt.Errorf("read votes: option %q: %w", option, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// electorateWeight is the weight of everyone who could vote, counted when
// the proposal is decided: every member, or every member's shares (or
// their square roots). Shares are only ever issued, never taken back, so
// the votes cast can never weigh more than the electorate.
func electorateWeight(ctx context.Context, q store.Querier, mode Mode) (float64, error) {
	if mode == PerMember {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&n); err != nil {
			return 0, fmt.Errorf("count members: %w", err)
		}
		return float64(n), nil
	}
	holdings, err := reward.ShareHoldings(ctx, q)
	if err != nil {
		return 0, err
	}
	weights := make([]float64, 0, len(holdings))
	for _, shares := range holdings {
		weights = append(weights, Weight(mode, shares))
	}
	// Add in a fixed order: the map's order would change the last bits of
	// a sum of square roots from one count to the next.
	slices.Sort(weights)
	var total float64
	for _, w := range weights {
		total += w
	}
	return total, nil
}
