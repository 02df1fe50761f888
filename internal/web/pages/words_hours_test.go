package pages

import (
	"testing"

	"github.com/allmende/allmende/internal/coop"
)

// TestTimelockHoursWords: a timelock of one hour reads "1 hour", not
// "1 hours" (as on an option that sets it: "(sets 1 hour)").
func TestTimelockHoursWords(t *testing.T) {
	p := &Pages{}
	for v, want := range map[int64]string{1: "1 hour", 2: "2 hours", 48: "48 hours"} {
		if got := p.paramValue(coop.TimelockHours, v); got != want {
			t.Errorf("%d: %q, want %q", v, got, want)
		}
	}
}
