package web_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/store"
)

// TestRunOutputBrowser: at 1280 and 390 px, ada runs bob's "parcel
// status" automation from its page; the run replays bob's recording in the
// server's Chromium on the practice tracker, and her run's page shows the
// status the tracker gave for her number (the text at #status, where the
// recording ends), fitting the screen with no serious axe-core findings.
// The API's run carries the same output for her; a steward's view of the
// run does not. With ALLMENDE_SCREENSHOTS set each page is photographed.
func TestRunOutputBrowser(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := t.Context()
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	f.app.Actions.Replayer = browser
	giveBalance(t, f, "ada", 2000)
	bob := mustMember(t, f, "bob")
	raw := parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(41), 41))
	rec, err := f.app.Actions.Upload(ctx, bob, []byte(raw), "")
	if err != nil || rec.Status != action.Verified {
		t.Fatalf("bob's recording: %+v %v", rec, err)
	}
	const slug = "parcel-status"
	if _, err := f.app.Actions.Publish(ctx, bob, rec.ID, action.Publication{Slug: slug, Title: "Parcel status", Description: "Tells where a parcel is.", PricePerRun: 20,
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

	bctx := browsertest.New(t)
	if err := chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+"/signin"), chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", "ada@example.org"), chromedp.SendKeys("#password", password), chromedp.Submit("#signin-form"), chromedp.WaitVisible("#earnings")); err != nil {
		t.Fatal(err)
	}
	for i, width := range []int64{1280, 390} {
		number := fmt.Sprintf("1Z999AA10%d", 7+i)
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(f.srv.URL+"/automations/"+slug), chromedp.WaitVisible("#run-form"),
			chromedp.SendKeys("#param-number", number), chromedp.Click("#run-button"), chromedp.WaitVisible("#run-status")); err != nil {
			t.Fatalf("start a run at %d px: %v", width, err)
		}
		loc, _ := chromedp.Run(bctx, chromedp.Location())
		id := loc[strings.LastIndex(loc, "/")+1:]
		runToEnd(t, f, id)
		if err := chromedp.Do(bctx, chromedp.Reload(), chromedp.WaitVisible("#run-output")); err != nil {
			t.Fatalf("the run's page at %d px shows no output: %v", width, err)
		}
		want := practiceStatus(number)
		got, err := chromedp.Run(bctx, chromedp.Text("#run-output pre"))
		if err != nil || strings.TrimSpace(got) != want {
			t.Fatalf("the run's page at %d px shows %q, want the tracker's status %q (%v)", width, got, want, err)
		}
		sizes, err := chromedp.Run(bctx, chromedp.Evaluate[[2]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
		if err != nil || sizes[0] > sizes[1] {
			t.Errorf("the run's page at %d px is %d px wide in a window of %d (%v)", width, sizes[0], sizes[1], err)
		}
		for _, finding := range browsertest.Axe(t, bctx) {
			t.Errorf("the run's page at %d px: axe-core: %s", width, finding)
		}
		if os.Getenv("ALLMENDE_SCREENSHOTS") != "" {
			browsertest.Screenshot(t, bctx, fmt.Sprintf("run-output-%d", width))
		}

		// The API: ada's run carries the output; a steward's does not.
		if out := apiRunOutput(t, f, "ada", id); out != want {
			t.Fatalf("the API gives ada %q, want %q", out, want)
		}
		if out := apiRunOutput(t, f, "stella", id); out != "" {
			t.Fatalf("the API gives the steward ada's output %q", out)
		}
	}
}

// practiceStatus is the status the practice tracker shows for a number
// (pages.showParcel), to check the output against.
func practiceStatus(number string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToUpper(number)))
	return []string{"Out for delivery.", "At the depot.", "Delivered to a neighbour.", "Handed to the courier."}[h.Sum32()%4]
}

// runToEnd runs a queued run as a worker would, or waits for the fixture's
// own job runner that took it, until it has ended ok.
func runToEnd(t *testing.T, f *fixture, id string) {
	t.Helper()
	var row int64
	if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT id FROM automation_runs WHERE public_id = $1`, id).Scan(&row); err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	if err := f.app.Actions.Execute(t.Context(), row); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * action.RunTimeout)
	for {
		var status, msg string
		if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT status, error FROM automation_runs WHERE id = $1`, row).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		switch {
		case status == "ok":
			return
		case status == "failed":
			t.Fatalf("run %s failed: %s", id, msg)
		case time.Now().After(deadline):
			t.Fatalf("run %s is still %s", id, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// apiRunOutput is the output GET /api/v1/runs/{id} gives the named member.
func apiRunOutput(t *testing.T, f *fixture, as, id string) string {
	t.Helper()
	resp := f.do(as, http.MethodGet, "/api/v1/runs/"+id, "", "", nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the run as %s: %d %s", as, resp.StatusCode, body)
	}
	var run struct {
		Output *string `json:"output"`
	}
	if err := json.Unmarshal(body, &run); err != nil {
		t.Fatal(err)
	}
	if run.Output == nil {
		return ""
	}
	return *run.Output
}
