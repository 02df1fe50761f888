package govern

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// checkOpenTogether refuses a binding draft that, should it pass together
// with a binding proposal still open on another parameter, would break a
// rule no vote can change: two open proposals — the contributors' share
// to 60 %, the treasury's to 50 % — each keep the rules alone, and
// whichever passed second would only be found void when its vote was
// counted. The refusal names the open proposal, so that its proposer
// can vote on it or wait for it instead. checkConstraints has already
// held the draft to the queued changes alone.
func (s *Service) checkOpenTogether(ctx context.Context, q store.Querier, d Draft) error {
	if d.Param == "" {
		return nil
	}
	open, err := openBinding(ctx, q, d.Param)
	if err != nil || len(open) == 0 {
		return err
	}
	pending, err := s.pendingValues(ctx, q, 0)
	if err != nil {
		return err
	}
	f := problem.Fields{}
	for _, o := range open {
		for _, theirs := range o.values {
			with := maps.Clone(pending)
			with[o.param] = theirs
			if coop.Check(with) != nil {
				// Broken without the draft (a steward changed a value
				// since that proposal was made): not this draft's doing.
				continue
			}
			for i, opt := range d.Options {
				if opt.Value == nil {
					continue
				}
				with[d.Param] = *opt.Value
				if pr, ok := problem.As(coop.Check(with)); ok {
					for name, why := range pr.Fields {
						f.Add(name, "option %d: if it and proposal %d (%q) both pass, %s", i+1, o.id, o.title, why)
					}
				}
			}
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &problem.Error{Kind: problem.Conflict, Message: "This proposal and one still open could both pass and together break a rule no vote can change; vote on that one, or wait until it is decided.",
		Fields: map[string]string(f)}
}

// openProposal is an open binding proposal's parameter and the values its
// options would set.
type openProposal struct {
	id     int64
	title  string
	param  coop.Param
	values []int64
}

// openBinding returns the binding proposals whose vote is not yet counted
// that set a parameter other than param, oldest first.
func openBinding(ctx context.Context, q store.Querier, param coop.Param) ([]openProposal, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, param, param_values FROM proposals WHERE status = 'open' AND param <> '' AND param <> $1 ORDER BY id`, string(param))
	if err != nil {
		return nil, fmt.Errorf("govern: open proposals: %w", err)
	}
	defer rows.Close()
	var out []openProposal
	for rows.Next() {
		var o openProposal
		var values string
		if err := rows.Scan(&o.id, &o.title, &o.param, &values); err != nil {
			return nil, fmt.Errorf("govern: open proposals: %w", err)
		}
		byIndex := map[string]int64{}
		if err := json.Unmarshal([]byte(values), &byIndex); err != nil {
			return nil, fmt.Errorf("govern: proposal %d values: %w", o.id, err)
		}
		o.values = slices.Sorted(maps.Values(byIndex))
		out = append(out, o)
	}
	return out, rows.Err()
}
