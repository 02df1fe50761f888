package api

import (
	"encoding/json"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzRoundTerms: whatever a funding round's request holds, its terms are
// read or refused with an invalid-input problem naming a field, never a
// panic; a goal read from money is within its range.
func FuzzRoundTerms(f *testing.F) {
	for _, s := range []string{
		`{"goal":3000,"costs":1200,"share_bp":1500,"deadline":"2027-01-31T18:00:00Z","datanet_versions":["tenancy@1"]}`,
		`{"goal_text":"30.00","costs_text":"12.00","deadline":"2027-01-31T18:00:00+01:00"}`,
		`{"goal_text":"1,000,000,000,000.01","deadline":"x"}`,
		`{"goal":5,"goal_text":"0.06","deadline":""}`,
		`{"deadline":"9999-12-31T23:59:59.999999999Z"}`,
	} {
		f.Add([]byte(s))
	}
	a := &API{}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var req roundRequest
		if json.Unmarshal(raw, &req) != nil {
			return // the request reader answers 400
		}
		terms, err := a.roundTerms(req)
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%q: %v, want an invalid-input problem naming a field", raw, err)
			}
			return
		}
		if req.GoalText != nil && (terms.Goal < 1 || terms.Goal > points.MaxBudget) {
			t.Fatalf("%q: a goal of %d read from money", raw, terms.Goal)
		}
		if terms.Deadline.IsZero() {
			t.Fatalf("%q: no deadline read", raw)
		}
	})
}
