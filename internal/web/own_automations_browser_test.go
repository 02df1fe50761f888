package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
	"github.com/chromedp/chromedp"
)

// TestOwnAutomationsReachableInTheBrowser: at 1280 and 390 px, ada opens
// /automations, sees her unlisted automation with its state, and its link
// takes her to its page; the list does not widen the page.
func TestOwnAutomationsReachableInTheBrowser(t *testing.T) {
	f := newFixture(t, store.SQLite)
	person := behavior.SynthPeople(5, 1)[0]
	resp := f.do("ada", "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(7), 7)), nil)
	var rec struct{ ID string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{
		{name: "publish", as: "ada", method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
			body: `{"id":"parcel-status","title":"Parcel status","description":"Looks up where a parcel is.","price_per_run":100}`},
	})
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/automations")
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(f.srv.URL+"/automations"), chromedp.WaitVisible("#own-automations")); err != nil {
				t.Fatal(err)
			}
			state, err := chromedp.Run(ctx, chromedp.Text("#own-automations .state"))
			if err != nil || state != "not listed: waiting for a successful test run" {
				t.Fatalf("the state: %q %v", state, err)
			}
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			if err != nil || wide {
				t.Fatalf("the page scrolls sideways at %d px (%v)", width, err)
			}
			browsertest.Screenshot(t, ctx, fmt.Sprintf("own-automations-%d", width))
			if err := chromedp.Do(ctx, chromedp.Click(`#own-automations a[href="/automations/parcel-status"]`), chromedp.WaitVisible("h1")); err != nil {
				t.Fatal(err)
			}
			if h, _ := chromedp.Run(ctx, chromedp.Text("h1")); !strings.HasPrefix(h, "Parcel status") {
				t.Fatalf("the link led to %q", h)
			}
		})
	}
}
