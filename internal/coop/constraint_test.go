package coop_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestConstraints: values that break a rule no vote can change are
// refused, naming the rule, whether they come in one Set or as a map to
// Check; values on the edge are allowed.
func TestConstraints(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[coop.Param]int64
		broken string
	}{
		{"defaults", nil, ""},
		{"shares make exactly 100 %", map[coop.Param]int64{coop.ContributorShare: 9000, coop.TreasuryShare: 1000}, ""},
		{"shares pass 100 %", map[coop.Param]int64{coop.ContributorShare: 9001, coop.TreasuryShare: 1000}, "shares_within_whole"},
		{"treasury alone takes it past", map[coop.Param]int64{coop.TreasuryShare: 3001}, "shares_within_whole"},
		{"floor at the legal minimum", map[coop.Param]int64{coop.LegalMinimumPay: 1500}, ""},
		{"floor below the legal minimum", map[coop.Param]int64{coop.LegalMinimumPay: 1200, coop.PayFloor: 1199}, "pay_floor_above_legal_minimum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := coop.Check(tc.values)
			if tc.broken == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if pr, ok := problem.As(err); !ok || pr.Kind != problem.Invalid || pr.Fields[tc.broken] == "" {
				t.Fatalf("%v, want invalid naming %s", err, tc.broken)
			}
		})
	}
}

// TestSetKeepsConstraints: a steward (or a passed proposal) cannot set
// one parameter so that it breaks a constraint with another; only a
// steward sets the legal minimum, and then the floor cannot go below it.
func TestSetKeepsConstraints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		p := coop.New(db)
		steward := member.Member{Role: member.RoleSteward}
		if err := p.SetAsSteward(ctx, member.Member{Role: member.RoleMember}, coop.LegalMinimumPay, 1000); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("member sets the legal minimum: %v", err)
		}
		if err := p.SetAsSteward(ctx, steward, coop.LegalMinimumPay, 1400); err != nil {
			t.Fatal(err)
		}
		if err := p.SetAsSteward(ctx, steward, coop.PayFloor, 1300); err == nil || !strings.Contains(err.Error(), "pay_floor_above_legal_minimum") {
			t.Fatalf("floor below the legal minimum: %v", err)
		}
		if err := p.SetAsSteward(ctx, steward, coop.TreasuryShare, 3500); err == nil || !strings.Contains(err.Error(), "shares_within_whole") {
			t.Fatalf("shares past 100 %%: %v", err)
		}
		if v, _ := p.Get(ctx, nil, coop.TreasuryShare); v != coop.Defaults[coop.TreasuryShare] {
			t.Fatalf("treasury share %d after a refused change", v)
		}
		if err := p.SetAsSteward(ctx, steward, coop.TreasuryShare, 3000); err != nil {
			t.Fatal(err)
		}
	})
}
