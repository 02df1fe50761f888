package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
)

// TestErasureClearsRunOutputs: ada runs bob's automation (in the server's
// Chromium, on the practice tracker) with a marker as the parcel number;
// the run ends on the tracker's page, whose main text — "Parcel MARKER"
// — is the run's output, sealed. After "erase all my data" the output is
// gone from her run (the API gives none, the column is empty), and the
// marker is nowhere under the data folder nor in the database.
func TestErasureClearsRunOutputs(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := t.Context()
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	f.app.Actions.Replayer = browser
	giveBalance(t, f, "ada", 2000)
	bob, ada := mustMember(t, f, "bob"), mustMember(t, f, "ada")

	// bob's recording without its last wait for #status: it ends on the
	// click that opens the result, so its output is the page's main text.
	rec, err := recording.Parse([]byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(43), 43))))
	if err != nil {
		t.Fatal(err)
	}
	rec.Steps = rec.Steps[:len(rec.Steps)-1]
	raw, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	up, err := f.app.Actions.Upload(ctx, bob, raw, "")
	if err != nil || up.Status != action.Verified {
		t.Fatalf("bob's recording: %+v %v", up, err)
	}
	const slug = "parcel-page"
	if _, err := f.app.Actions.Publish(ctx, bob, up.ID, action.Publication{Slug: slug, Title: "Parcel page", Description: "Shows a parcel's page.", PricePerRun: 20,
		Samples: map[string]string{"number": "1Z999AA1"}}); err != nil {
		t.Fatal(err)
	}
	test, err := f.app.Actions.TestRun(ctx, bob, slug)
	if err != nil {
		t.Fatal(err)
	}
	runToEnd(t, f, test.ID)
	if _, err := f.app.Actions.List(ctx, bob, slug); err != nil {
		t.Fatalf("list: %v", err)
	}

	const marker = "ZEBRAQUOKKARUNOUTPUT"
	run, err := f.app.Actions.StartRun(ctx, ada, slug, map[string]string{"number": marker})
	if err != nil {
		t.Fatal(err)
	}
	runToEnd(t, f, run.ID)
	if out := apiRunOutput(t, f, "ada", run.ID); !strings.Contains(out, "Parcel "+marker) {
		t.Fatalf("ada's run shows %q, not the page with her parcel", out)
	}
	// The output is sealed: in plain text neither on disk nor in the
	// database even now, which is why the check above opens it.
	dir := f.app.DataDir()
	if where := findMarker(t, dir, marker); where != "" {
		t.Fatalf("the run's output is in plain text in %s", where)
	}

	resp := f.do("ada", http.MethodDelete, "/api/v1/members/"+ada.PublicID+"/contributions", "", "", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("erase all: %d", resp.StatusCode)
	}
	if out := apiRunOutput(t, f, "ada", run.ID); out != "" {
		t.Fatalf("after erasure ada's run still shows %q", out)
	}
	var sealed string
	if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT output FROM automation_runs WHERE public_id = $1`, run.ID).Scan(&sealed); err != nil || sealed != "" {
		t.Fatalf("after erasure the run's output column holds %q (%v)", sealed, err)
	}
	var bobs int
	if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE public_id = $1 AND output <> ''`, test.ID).Scan(&bobs); err != nil || bobs != 1 {
		t.Fatalf("bob's test run lost its output with ada's erasure: %d %v", bobs, err)
	}
	if where := findMarker(t, dir, marker); where != "" {
		t.Fatalf("after erasure the marker is still in %s", where)
	}
	if where := markerInDatabase(t, f.app.DB, marker); where != "" {
		t.Fatalf("after erasure the marker is still in the database: %s", where)
	}
}
