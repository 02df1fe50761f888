package api

import (
	"testing"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzDelegationTopic: whatever a member sends as a topic, it reads as
// everything, as one of the topics a vote may set, or as an
// invalid-input problem naming the field — never as anything else.
func FuzzDelegationTopic(f *testing.F) {
	for _, s := range []string{"", "all", " all ", "pay_floor_per_hour", "legal_minimum_pay_per_hour", "ALL", "x\x00", "pay_floor_per_hour "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		topic, err := delegationTopic(s)
		if err != nil {
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields["topic"] == "" {
				t.Fatalf("%q: %v, want an invalid topic", s, err)
			}
			return
		}
		if topic == "" {
			return
		}
		for _, v := range govern.Topics() {
			if v == topic {
				return
			}
		}
		t.Fatalf("%q read as %q, which no vote may set", s, topic)
	})
}
