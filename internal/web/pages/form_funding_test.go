package pages

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

func TestPercentBP(t *testing.T) {
	for s, want := range map[string]int64{"15": 1500, "2.5": 250, "0.01": 1, "100": 10000, " 10 % ": 1000, "7.": 700, "0": 0} {
		if got, ok := percentBP(s); !ok || got != want {
			t.Errorf("percentBP(%q) = %d, %v, want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "100.01", "1000", "-5", "1,5", "0.001", "1e2", "abc", ".5", "+3"} {
		if got, ok := percentBP(s); ok {
			t.Errorf("percentBP(%q) = %d, want a refusal", s, got)
		}
	}
}

// FuzzRoundForm: whatever the round's form holds, it is read or refused
// with fields named, never a panic; a share read is within the whole and
// writes back to the same basis points, and a deadline read lies 1 to 366
// days ahead.
func FuzzRoundForm(f *testing.F) {
	f.Add("30.00", "12.00", "10", "7", "tenancy@1")
	f.Add("", "", "", "", "")
	f.Add("1,000.00", "0.001", "100.01", "367", "x")
	f.Add("99999999999999999999", "-1", "2.55", "0", "@")
	f.Fuzz(func(t *testing.T, goal, costs, share, days, version string) {
		body := url.Values{"goal": {goal}, "costs": {costs}, "share": {share}, "days": {days}, "datanet_versions": {version}}.Encode()
		r := httptest.NewRequest("POST", "/models/m/funding", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			return
		}
		now := time.Unix(1_800_000_000, 0)
		terms, fm, err := roundForm(r, points.DefaultCurrency, now)
		if fm.Value("form") != "round" {
			t.Fatalf("the form does not say which it is: %v", fm.Values)
		}
		if err != nil {
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%q: %v, want fields named", body, err)
			}
			return
		}
		if terms.Goal < 1 || terms.Goal > points.MaxBudget || terms.Costs < 0 || terms.ShareBP < 0 || terms.ShareBP > points.BasisPoints {
			t.Fatalf("%q read as %+v", body, terms)
		}
		if d := terms.Deadline.Sub(now); d < 24*time.Hour || d > 366*24*time.Hour {
			t.Fatalf("%q: a deadline %v ahead", body, d)
		}
		if back, ok := percentBP(strconv.FormatFloat(float64(terms.ShareBP)/100, 'f', 2, 64)); !ok || back != terms.ShareBP {
			t.Fatalf("a share of %d basis points writes back as %d", terms.ShareBP, back)
		}
	})
}
