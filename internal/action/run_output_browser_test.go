package action_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestRunShowsWhatItEndedWith runs, in real headless Chromium, a
// recording that ends waiting for #status and one that ends on a click:
// the first run's output is the text at #status, the second's the page's
// <main> text, cut to MaxRunOutput on a character boundary. The output is
// sealed in the database, opened for the runner only (not for a steward,
// not in the runner's list), and gone once the runner's data is erased.
func TestRunShowsWhatItEndedWith(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	e := newEnv(t, db)
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	e.s.Replayer = browser
	ada, bob, stella := e.members["ada"], e.members["bob"], e.members["stella"]
	e.fund(t, reward.MemberAccount(ada.PublicID), 1000)

	// The status holds the number typed in, so a test that passed on a
	// stale or shared page would show the wrong one; the long page's text
	// is 3 000 "ü" (6 000 bytes), past the bound.
	mux := http.NewServeMux()
	mux.HandleFunc("/track", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Track</title><form action="/tracked"><label for="number">Parcel number</label> <input id="number" name="number"> <button id="track">Track</button></form>`)
	})
	mux.HandleFunc("/tracked", func(w http.ResponseWriter, r *http.Request) {
		n := r.URL.Query().Get("number")
		if n == "long" {
			fmt.Fprintf(w, `<!doctype html><title>Status</title><nav>Menu</nav><main><p id="status">%s</p></main>`, strings.Repeat("ü", 3000))
			return
		}
		fmt.Fprintf(w, `<!doctype html><title>Status</title><nav>Home · Help</nav><main><h1>Parcel %s</h1><p id="status">Out for delivery &lt;today&gt;</p></main>`, n)
	})
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)

	publish := func(slug string, raw []byte) {
		t.Helper()
		rec, err := e.s.Upload(ctx, bob, raw, "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload %s: %+v %v", slug, rec, err)
		}
		if _, err := e.s.Publish(ctx, bob, rec.ID, action.Publication{Slug: slug, Title: slug, Description: "Tracks a parcel.", PricePerRun: 10}); err != nil {
			t.Fatalf("publish %s: %v", slug, err)
		}
		e.listed(t, bob, slug, map[string]string{"number": "ZZ1"})
	}
	waits := formFlow(t, human(91), "Parcel status", site.URL+"/track", "number", "number", "track", "status")
	publish("parcel-status", waits)
	publish("parcel-page", withoutLastStep(t, formFlow(t, human(92), "Parcel page", site.URL+"/track", "number", "number", "track", "status")))

	run := func(slug, number string) action.Run {
		t.Helper()
		r, err := e.s.StartRun(ctx, ada, slug, map[string]string{"number": number})
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, r.ID)
		got, err := e.s.GetRun(ctx, ada, r.ID)
		if err != nil || got.Status != "ok" {
			t.Fatalf("run of %s: %+v %v", slug, got, err)
		}
		return got
	}
	status := run("parcel-status", "AB123")
	if status.Output != "Out for delivery <today>" {
		t.Fatalf("the run that waits for #status shows %q", status.Output)
	}
	page := run("parcel-page", "CD456")
	if page.Output != "Parcel CD456\n\nOut for delivery <today>" && page.Output != "Parcel CD456\nOut for delivery <today>" {
		t.Fatalf("the run that ends on a click shows %q, want the <main> text", page.Output)
	}
	long := run("parcel-page", "long")
	if len(long.Output) > action.MaxRunOutput || !utf8.ValidString(long.Output) || !strings.HasSuffix(long.Output, "…") ||
		!strings.HasPrefix(long.Output, strings.Repeat("ü", 2000)) {
		t.Fatalf("a long page's output: %d bytes, valid %v, ends %q", len(long.Output), utf8.ValidString(long.Output), long.Output[max(0, len(long.Output)-8):])
	}

	// Sealed: the text is not in the database.
	var sealed string
	if err := db.Read().QueryRowContext(ctx, `SELECT output FROM automation_runs WHERE public_id = $1`, status.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if sealed == "" || strings.Contains(sealed, "delivery") {
		t.Fatalf("the output is stored as %q", sealed)
	}
	// A steward sees the run, not what it showed ada; the author does
	// not see ada's run at all; ada's list carries no outputs.
	if got, err := e.s.GetRun(ctx, stella, status.ID); err != nil || got.Status != "ok" || got.Output != "" {
		t.Fatalf("the steward's view: %+v %v", got, err)
	}
	if _, err := e.s.GetRun(ctx, bob, status.ID); !problem.Is(err, problem.NotFound) {
		t.Fatalf("the author's view of ada's run: %v", err)
	}
	list, _, err := e.s.MyRuns(ctx, ada.ID, "", store.Page{Limit: 10})
	if err != nil || len(list) != 3 {
		t.Fatalf("ada's runs: %d %v", len(list), err)
	}
	for _, r := range list {
		if r.Output != "" {
			t.Fatalf("a listed run carries its output: %+v", r)
		}
	}

	// Erasing ada's data clears her runs' outputs, and only hers: bob's
	// test runs keep theirs.
	var bobs int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE runner_id = $1 AND output <> ''`, bob.ID).Scan(&bobs); err != nil || bobs != 2 {
		t.Fatalf("bob's test runs with an output: %d %v", bobs, err)
	}
	if _, err := e.s.EraseAll(ctx, ada); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.GetRun(ctx, ada, status.ID); err != nil || got.Output != "" || got.Status != "ok" {
		t.Fatalf("after erasure ada's run: %+v %v", got, err)
	}
	var left int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE runner_id = $1 AND output <> ''`, ada.ID).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d of ada's runs keep an output after erasure (%v)", left, err)
	}
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE runner_id = $1 AND output <> ''`, bob.ID).Scan(&bobs); err != nil || bobs != 2 {
		t.Fatalf("bob's outputs after ada's erasure: %d %v", bobs, err)
	}
}

// withoutLastStep drops a recording's last step (formFlow's wait for an
// element), so that it ends on the click that submits the form.
func withoutLastStep(t *testing.T, raw []byte) []byte {
	t.Helper()
	rec, err := recording.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	rec.Steps = rec.Steps[:len(rec.Steps)-1]
	out, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
