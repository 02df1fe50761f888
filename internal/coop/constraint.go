package coop

import (
	"fmt"

	"github.com/allmende/allmende/internal/problem"
)

// Constraint is a rule over several parameters that no vote and no
// steward may break: each parameter's limits hold it alone, a constraint
// holds them together.
type Constraint struct {
	// Name is how a refusal names the constraint (the field of the
	// problem it returns).
	Name string
	// Params are the parameters it reads: a change of one of them is held
	// to it.
	Params []Param
	// Broken says, in words, how values break it, or "" if they keep it.
	Broken func(v map[Param]int64) string
}

// Constraints are checked whenever a parameter is set, when a binding
// proposal is made (against the values it would set, together with the
// changes already waiting in a timelock) and again when a change applies.
var Constraints = []Constraint{
	{
		// A model call's charge is split between the contributors, the
		// treasury and the builder: the first two cannot take more than
		// the whole.
		Name: "shares_within_whole", Params: []Param{ContributorShare, TreasuryShare},
		Broken: func(v map[Param]int64) string {
			if sum := v[ContributorShare] + v[TreasuryShare]; sum > 10000 {
				return fmt.Sprintf("the contributors' share (%s) and the treasury's share (%s) together would be %s, more than 100 %%",
					percent(v[ContributorShare]), percent(v[TreasuryShare]), percent(sum))
			}
			return ""
		},
	},
	{
		// The pay floor is the cooperative's promise; the legal minimum is
		// the law's, and the promise cannot be less.
		Name: "pay_floor_above_legal_minimum", Params: []Param{PayFloor, LegalMinimumPay},
		Broken: func(v map[Param]int64) string {
			if v[PayFloor] < v[LegalMinimumPay] {
				return fmt.Sprintf("the pay floor (%d points per hour) would be below the legal minimum of %d points per hour that a steward set",
					v[PayFloor], v[LegalMinimumPay])
			}
			return ""
		},
	},
}

// Check returns an Invalid problem naming every constraint values break,
// or nil. Values missing from the map count as their defaults.
func Check(values map[Param]int64) error {
	v := make(map[Param]int64, len(Defaults))
	for name, d := range Defaults {
		v[name] = d
	}
	for name, x := range values {
		v[name] = x
	}
	f := problem.Fields{}
	for _, c := range Constraints {
		if why := c.Broken(v); why != "" {
			f.Add(c.Name, "%s", why)
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &problem.Error{Kind: problem.Invalid, Message: "This would break a rule no vote can change.", Fields: map[string]string(f)}
}

// percent shows basis points as a percentage: 7050 is "70.50 %".
func percent(bp int64) string { return fmt.Sprintf("%d.%02d %%", bp/100, bp%100) }
