package demo_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/member"
)

// TestDemoLearnedAutomationPassesItsTestRun: the demo seeds Ada's learned
// automation of the practice parcel tracker, unlisted, learned from her
// seeded recording with the number and postcode as run parameters; her
// test run of it, in the server's Chromium against the demo's own
// practice pages, succeeds, and she lists it.
func TestDemoLearnedAutomationPassesItsTestRun(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir(), ReplayAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	ctx := t.Context()
	if _, err := demo.SeedAt(ctx, a, srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Actions.Automation(ctx, demo.MarketLearned); err == nil {
		t.Fatal("the learned automation is public before its test run")
	}
	ada, err := a.Members.ByEmail(ctx, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	auto, err := a.Actions.AutomationFor(ctx, ada, demo.MarketLearned)
	if err != nil || !auto.Learned || auto.Listed || len(auto.Parameters) != 2 {
		t.Fatalf("the seeded learned automation: %+v %v", auto, err)
	}
	l, err := a.Actions.LearningFor(ctx, ada, demo.MarketLearned)
	if err != nil || len(l.Demos) != 1 || l.Demos[0].Member != ada.PublicID || !strings.Contains(l.Description, `textbox named "Parcel number"`) {
		t.Fatalf("what it learned: %+v %v", l, err)
	}
	run, err := a.Actions.TestRun(ctx, ada, demo.MarketLearned)
	if err != nil {
		t.Fatal(err)
	}
	var row int64
	if err := a.DB.Read().QueryRowContext(ctx, `SELECT id FROM automation_runs WHERE public_id = $1`, run.ID).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if err := a.Actions.Execute(ctx, row); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Actions.GetRun(ctx, ada, run.ID); got.Status != "ok" || len(got.Steps) != 3 {
		t.Fatalf("the test run: %+v", got)
	}
	if auto, err = a.Actions.List(ctx, ada, demo.MarketLearned); err != nil || !auto.Listed {
		t.Fatalf("listing it: %+v %v", auto, err)
	}
	if _, err := a.Actions.AutomationFor(ctx, member.Member{}, demo.MarketLearned); err != nil {
		t.Fatalf("listed, the public does not see it: %v", err)
	}
}
