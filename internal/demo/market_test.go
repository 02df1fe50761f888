package demo_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// The demo's marketplace starts with Ada's and Grace's automations
// published with samples but not listed: the marketplace is empty until an
// author's test run succeeds.
func TestSeedMarketLeavesAutomationsUnlisted(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.Seed(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if list, _, err := a.Actions.Automations(t.Context(), store.Page{}); err != nil || len(list) != 0 {
		t.Fatalf("the demo's marketplace lists %+v (%v) before any test run", list, err)
	}
	for email, slug := range map[string]string{"ada@example.org": demo.MarketAda, "grace@example.org": demo.MarketGrace} {
		m, err := a.Members.ByEmail(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		auto, err := a.Actions.AutomationFor(t.Context(), m, slug)
		if err != nil || auto.Listed || auto.TestedVersion != 0 {
			t.Fatalf("%s: %+v %v", slug, auto, err)
		}
		samples, err := a.Actions.Samples(t.Context(), m, slug)
		if err != nil || samples["number"] == "" {
			t.Fatalf("%s's samples: %v %v", slug, samples, err)
		}
		if _, err := a.Actions.AutomationFor(t.Context(), member.Member{}, slug); err == nil {
			t.Fatalf("%s is shown to the public before its test run", slug)
		}
	}
}
