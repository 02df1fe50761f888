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
// proposal.decided event and, when a binding proposal passes, queues its
// change for the cooperative's timelock (change.queued) in the same
// transaction; a passed counter-proposal stops the change it names. Then
// it applies the queued changes whose timelock has ended (ApplyDue), so
// that the one chore that decides also applies. It returns how many
// proposals it decided. A proposal is decided once: a second call, or
// another replica, finds it decided and leaves it alone. A failure on one
// proposal does not hold up the others; the errors are returned together.
func (s *Service) Decide(ctx context.Context, now time.Time) (int, error) {
	decided, err := s.decideDue(ctx, now)
	lerr := s.lapse(ctx, now)
	_, aerr := s.ApplyDue(ctx, now)
	return decided, errors.Join(err, lerr, aerr)
}

func (s *Service) decideDue(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM proposals WHERE status = 'open' AND cosigners_needed = 0 AND closes_at <= $1 ORDER BY closes_at, id`, now.UnixMilli())
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
		ballots, err := s.ballotsWithDelegates(ctx, tx, p)
		if err != nil {
			return err
		}
		electorate, err := electorateWeight(ctx, tx, p.Mode)
		if err != nil {
			return err
		}
		res := Tally(p.Options, p.Quorum, ballots, electorate)
		switch {
		case res.Status == Passed && p.Binding():
			if err := s.queue(ctx, tx, p, &res, now); err != nil {
				return err
			}
		case res.Status == Passed && p.Stops != 0:
			if err := s.stop(ctx, tx, p, &res, now); err != nil {
				return err
			}
		}
		if err := s.publish(ctx, tx, p, res, now); err != nil {
			return err
		}
		decided = true
		return nil
	})
	return decided, err
}

// publish records a proposal's result: its proposal.decided event and the
// proposal's row, once.
func (s *Service) publish(ctx context.Context, tx *store.Tx, p Proposal, res Result, now time.Time) error {
	eventID, err := s.ledger.Record(ctx, tx, ledger.Event{
		Type:    ledger.ProposalDecided,
		Scope:   scope(p.ID),
		Content: decisionContent{Proposal: p.ID, Title: p.Title, Mode: p.Mode, Result: res},
	})
	if err != nil {
		return err
	}
	resultJSON, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	updated, err := tx.ExecContext(ctx, `UPDATE proposals SET status = $2, result = $3, decided_at = $4, event_id = $5 WHERE id = $1 AND status = 'open'`,
		p.ID, string(res.Status), string(resultJSON), now.UnixMilli(), eventID)
	if err != nil {
		return fmt.Errorf("record result: %w", err)
	}
	// The row lock makes this impossible; if it ever happens, roll back
	// rather than publish a second decision.
	if n, err := updated.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("record result: %d rows changed (%v): decided twice?", n, err)
	}
	return nil
}

// ballotsWithDelegates returns a proposal's votes, then the weight of
// every member who did not vote but whose delegate did (Carried), on the
// option their delegate chose, weighed by the proposal's mode with the
// shares they hold now. Each in member order, so that weights are added
// up in the same order every time.
func (s *Service) ballotsWithDelegates(ctx context.Context, tx *store.Tx, p Proposal) ([]Ballot, error) {
	ballots, voters, err := ballotsOf(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	g, err := readDelegations(ctx, tx)
	if err != nil {
		return nil, err
	}
	voted := make(map[int64]bool, len(voters))
	for m := range voters {
		voted[m] = true
	}
	carried := Carried(voted, g.forTopic(p.Topic))
	if len(carried) == 0 {
		return ballots, nil
	}
	var holdings map[int64]int64
	if p.Mode != PerMember {
		if holdings, err = reward.ShareHoldings(ctx, tx); err != nil {
			return nil, err
		}
	}
	delegators := make([]int64, 0, len(carried))
	for m := range carried {
		delegators = append(delegators, m)
	}
	slices.Sort(delegators)
	for _, m := range delegators {
		w := 1.0
		if p.Mode != PerMember {
			if holdings[m] <= 0 {
				continue
			}
			w = Weight(p.Mode, holdings[m])
		}
		ballots = append(ballots, Ballot{Option: voters[carried[m]], Weight: w, Delegated: true})
	}
	return ballots, nil
}

// ballotsOf returns a proposal's votes in member order, so that weights
// are added up in the same order every time, and each voter's option.
func ballotsOf(ctx context.Context, q store.Querier, proposalID int64) ([]Ballot, map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT member_id, option, weight FROM votes WHERE proposal_id = $1 ORDER BY member_id`, proposalID)
	if err != nil {
		return nil, nil, fmt.Errorf("read votes: %w", err)
	}
	defer rows.Close()
	var out []Ballot
	voters := map[int64]int{}
	for rows.Next() {
		var option string
		var b Ballot
		var m int64
		if err := rows.Scan(&m, &option, &b.Weight); err != nil {
			return nil, nil, fmt.Errorf("read votes: %w", err)
		}
		if b.Option, err = strconv.Atoi(option); err != nil {
			return nil, nil, fmt.Errorf("read votes: option %q: %w", option, err)
		}
		out = append(out, b)
		voters[m] = b.Option
	}
	return out, voters, rows.Err()
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
