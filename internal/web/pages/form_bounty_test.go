package pages

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzBountyForm: whatever the new-bounty form holds, its reader gives
// terms whose amounts, cap and deadline lie in their ranges, or an
// invalid-input problem naming the form's fields; never a panic, and what
// was typed comes back to the form. The money comes from the balance only
// when the form says so.
func FuzzBountyForm(f *testing.F) {
	for _, s := range [][3]string{{"1.50", "10.00", "7"}, {"1,50", "1,000.00", "0"}, {"-1", "NaN", "367"}, {"0.001", "99999999999999999999", "1"}, {"", "", ""}, {"1.50 EUR", "10", "366"}} {
		f.Add(s[0], s[1], s[2], "2", "", "")
	}
	for _, s := range [][2]string{{"75", "balance"}, {"75%", "funding"}, {"101", "elsewhere"}, {"-1", ""}, {"1e2", "balance"}, {" 50 ", "Balance"}} {
		f.Add("1.50", "10.00", "7", "2", s[0], s[1])
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, reward, budget, days, capPer, minScore, payFrom string) {
		v := url.Values{"kind": {"recordings"}, "title": {"t"}, "terms": {"t"}, "site": {"/p"}, "reward": {reward}, "budget": {budget}, "days": {days}, "cap_per_member": {capPer},
			"min_score": {minScore}, "pay_from": {payFrom}}
		r := httptest.NewRequest("POST", "/bounties", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		terms, fm, err := bountyForm(r, now, points.DefaultCurrency)
		if fm.Value("reward") != strings.TrimSpace(r.PostForm.Get("reward")) {
			t.Fatalf("the form lost what was typed: %q", fm.Values)
		}
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%v, want an invalid-input problem", err)
			}
			for field := range p.Fields {
				if field != "reward" && field != "budget" && field != "cap_per_member" && field != "deadline" && field != "min_score" && field != "pay_from" {
					t.Fatalf("the problem names %q, no field of the form", field)
				}
			}
			return
		}
		if terms.Reward < 1 || terms.Reward > bounty.MaxReward || terms.Budget < 1 || terms.Budget > bounty.MaxBudget ||
			terms.CapPerMember < 1 || terms.CapPerMember > bounty.MaxCap || !terms.Deadline.After(now) || terms.Deadline.After(now.Add(bounty.MaxDuration)) ||
			terms.MinScore < 0 || terms.MinScore > bounty.MaxMinScore || terms.FromBalance != (strings.TrimSpace(payFrom) == bounty.FromBalance) {
			t.Fatalf("read out of range: %+v", terms)
		}
	})
}
