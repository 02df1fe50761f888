package pages

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// FuzzCurationForm types anything into the curation and decision forms
// and a new datanet's reward: a parser never panics, refuses only with an
// Invalid problem naming the reward field, reads an amount only within
// its range, and keeps what was typed.
func FuzzCurationForm(f *testing.F) {
	for _, seed := range []string{"", "x", "0.50", "-1", "1e3", "10,000,000.01", "9223372036854775808", "a, b\nc", "\x00", "<b>", "0.505"} {
		f.Add(seed, "on", seed)
	}
	f.Fuzz(func(t *testing.T, reward, curated, curators string) {
		v := url.Values{"reward_per_record": {reward}, "curated": {curated}, "curators": {curators}, "reason": {curators}, "decision": {curated}}
		r := httptest.NewRequest("POST", "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		s, fm, err := curationForm(r, points.DefaultCurrency)
		if err != nil {
			if pr, ok := problem.As(err); !ok || pr.Kind != problem.Invalid || pr.Fields["reward_per_record"] == "" {
				t.Fatalf("refused %q with %v", reward, err)
			}
		} else if s.RewardPerRecord < 0 || s.RewardPerRecord > points.MaxPrice {
			t.Fatalf("read %q as %d points", reward, s.RewardPerRecord)
		}
		if fm.Value("reward_per_record") != strings.TrimSpace(reward) {
			t.Fatalf("lost what was typed: %q", fm.Value("reward_per_record"))
		}
		for _, c := range s.Curators {
			if c == "" || c != strings.TrimSpace(c) {
				t.Fatalf("curator %q", c)
			}
		}
		d, _, err := datanetForm(r, points.DefaultCurrency)
		if err == nil && (d.RewardPerRecord < 0 || d.RewardPerRecord > points.MaxPrice) {
			t.Fatalf("the datanet form read %q as %d points", reward, d.RewardPerRecord)
		}
		if dec, _ := decisionForm(r); dec.Accept != (strings.TrimSpace(curated) == "accept") {
			t.Fatalf("decision %q read as %+v", curated, dec)
		}
	})
}
