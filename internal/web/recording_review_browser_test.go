package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserRecordingDecidedWithItsSteps: a recording that waits for a
// steward shows its steps on the reviews queue and, with what happens
// next, on its own page, where the steward decides: a rejection without a
// reason is refused there, one with a reason reaches the recorder. On a
// desktop and a phone screen.
func TestBrowserRecordingDecidedWithItsSteps(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	chrome, err := filepath.Abs("../recording/testdata/chrome_search.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			fits := func(page string) {
				t.Helper()
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
					w, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
					t.Errorf("the %s page is %v px wide on the %d px screen", page, w, size.width)
				}
			}
			signInBrowser(t, f, ctx, "ada", "/recordings")
			if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#file", []string{chrome}), chromedp.Submit("#upload-form"), chromedp.WaitVisible("#recording-state")); err != nil {
				t.Fatal(err)
			}
			if s, _ := chromedp.Run(ctx, chromedp.Text("#recording-state")); !strings.Contains(s, "Waiting for a steward") {
				t.Fatalf("the recorder reads %q", s)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#recording-decide").length`)); n != 0 {
				t.Fatal("the recorder is offered the steward's decision")
			}
			var id string
			f.app.DB.Read().QueryRowContext(t.Context(), `SELECT public_id FROM recordings ORDER BY id DESC LIMIT 1`).Scan(&id)
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "stella", "/reviews")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#recording-review-"+id+" .step-list")); err != nil {
				t.Fatal(err)
			}
			steps, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#recording-review-`+id+` .step-list li").length`))
			if steps < 2 {
				t.Fatalf("the queue shows %d steps", steps)
			}
			fits("reviews")
			t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, "steward-recording-queue-"+size.name))
			err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/recordings/"+id), chromedp.WaitVisible("#recording-decide"),
				chromedp.Click(`#recording-decide button[value="rejected"]`), chromedp.WaitVisible(".error"))
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := chromedp.Run(ctx, chromedp.Text(".error")); !strings.Contains(strings.ToLower(s), "reason") {
				t.Fatalf("a rejection without a reason says %q", s)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#steps tbody tr").length`)); n != steps {
				t.Fatalf("the recording's page shows %d steps, the queue %d", n, steps)
			}
			fits("recording")
			t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, "steward-recording-page-"+size.name))
			err = chromedp.Do(ctx,
				chromedp.SendKeys(`#recording-decide input[name=reason]`, "The search is typed by a script: no pauses between keys."),
				chromedp.Click(`#recording-decide button[value="rejected"]`), chromedp.WaitVisible("#pay-floor"))
			if err != nil {
				t.Fatal(err)
			}
			signOutBrowser(t, ctx)
			signInBrowser(t, f, ctx, "ada", "/recordings/"+id)
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#status")); err != nil {
				t.Fatal(err)
			}
			if s, _ := chromedp.Run(ctx, chromedp.Text("body")); !strings.Contains(s, "no pauses between keys") || !strings.Contains(s, "rejected") {
				t.Fatalf("the recorder does not read the reason: %q", s)
			}
		})
	}
}
