package pages

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/points"
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

// FuzzProposalFormStops: whatever the new-proposal form sends as the
// proposal a counter-proposal stops reads as that positive number, or is
// refused naming the field; an empty one makes no counter-proposal.
func FuzzProposalFormStops(f *testing.F) {
	for _, s := range []string{"", "1", "0", "-3", " 12 ", "9223372036854775808", "1e3", "x", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := url.Values{"title": {"Stop it"}, "text": {"Stop."}, "mode": {"member"}, "quorum": {"50"}, "days": {"1"},
			"option_0": {"stop"}, "option_1": {"let it"}, "status_quo": {"1"}, "stops": {s}}
		r := httptest.NewRequest("POST", "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		d, _, err := proposalForm(r, time.Now(), points.DefaultCurrency)
		want, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		switch {
		case strings.TrimSpace(s) == "":
			if err != nil || d.Stops != 0 {
				t.Fatalf("%q: stops %d, %v", s, d.Stops, err)
			}
		case perr != nil || want <= 0:
			if p, ok := problem.As(err); !ok || p.Fields["stops"] == "" {
				t.Fatalf("%q: %v, want the stops field refused", s, err)
			}
		default:
			if err != nil || d.Stops != want {
				t.Fatalf("%q: stops %d, %v; want %d", s, d.Stops, err, want)
			}
		}
	})
}
