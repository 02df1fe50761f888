package api

import (
	"encoding/json"
	"testing"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzBountyRequest: whatever JSON a client sends to fund a bounty, the
// reader gives terms or an invalid-input problem naming a field, never a
// panic; an amount sent as text is the integer the text says, within its
// range, and an integer sent alone is passed on as it is for the domain to
// check; the money comes from a balance only when the request says so.
func FuzzBountyRequest(f *testing.F) {
	for _, s := range []string{
		`{"kind":"recordings","reward":150,"budget":500}`,
		`{"reward_text":"1.50","budget_text":"10,000.00 EUR"}`,
		`{"reward":150,"reward_text":"1.50"}`,
		`{"reward":151,"reward_text":"1.50"}`,
		`{"budget_text":"99999999999999999999"}`,
		`{"reward_text":"-1"}`, `{"reward_text":"1,5"}`, `{}`, `{"deadline":"2026-12-24T12:00:00Z","cap_per_member":3}`,
		`{"pay_from":"balance","verify":"approval","end":"/practice/parcel/status"}`, `{"pay_from":"wallet"}`, `{"verify":"curation","min_score":75}`,
	} {
		f.Add([]byte(s))
	}
	a := &API{}
	a.Currency = points.DefaultCurrency
	f.Fuzz(func(t *testing.T, raw []byte) {
		var req bountyRequest
		if json.Unmarshal(raw, &req) != nil {
			return // request.JSON refuses it before
		}
		terms, err := a.bountyTerms(req)
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%q: %v, want an invalid-input problem naming fields", raw, err)
			}
			return
		}
		check := func(n *int64, text *string, got, hi int64) {
			switch {
			case text != nil && (got < 1 || got > hi):
				t.Fatalf("%q: a text amount read as %d, outside 1…%d", raw, got, hi)
			case text == nil && n != nil && got != *n:
				t.Fatalf("%q: the integer %d read as %d", raw, *n, got)
			case text == nil && n == nil && got != 0:
				t.Fatalf("%q: no amount read as %d", raw, got)
			}
		}
		check(req.Reward, req.RewardText, terms.Reward, bounty.MaxReward)
		check(req.Budget, req.BudgetText, terms.Budget, bounty.MaxBudget)
		if terms.Kind != bounty.Kind(req.Kind) || terms.CapPerMember != req.CapPerMember || !terms.Deadline.Equal(req.Deadline) ||
			terms.FromBalance != (req.PayFrom == bounty.FromBalance) || terms.Verify != bounty.Verify(req.Verify) || terms.MinScore != req.MinScore || terms.End != req.End {
			t.Fatalf("%q: read as %+v", raw, terms)
		}
	})
}
