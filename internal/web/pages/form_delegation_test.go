package pages

import (
	"slices"
	"testing"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzDelegationTopic: whatever the form sends as a topic reads as
// everything, as a topic a vote may set, or as a problem naming the
// field.
func FuzzDelegationTopic(f *testing.F) {
	for _, s := range []string{"", "all", "pay_floor_per_hour", "legal_minimum_pay_per_hour", " timelock_hours", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		topic, err := delegationTopic(s)
		if err != nil {
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields["topic"] == "" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if topic != "" && !slices.Contains(govern.Topics(), topic) {
			t.Fatalf("%q read as %q", s, topic)
		}
	})
}
