package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestAChainLeavesTheMarketWithItsPart: when bob's automation, a part of
// ada's listed chain, gets new samples and so leaves the marketplace, the
// chain leaves with it — out of the API's listing, its page naming the
// part (linked only for those who may open it) without a run form or a
// prompt to sign in and run it, a run refused with a 409 naming it — and
// it is back only after
// bob lists his again and ada's chain passes a new test run.
func TestAChainLeavesTheMarketWithItsPart(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		f.app.Actions.Replayer = okReplayer{}
		for i, who := range []string{"ada", "bob"} {
			seed := uint64(141 + i)
			resp := f.do(who, "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(5, 1)[0], behavior.SynthNewTask(seed), seed)), nil)
			var rec struct{ ID, Status string }
			if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
				t.Fatalf("upload: %d %s", resp.StatusCode, body)
			}
			runScenarios(t, f, []scenario{{name: who + " publishes", as: who, method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
				body: `{"id":"track-` + who + `","title":"Track","description":"Tracks a parcel.","price_per_run":10,"samples":{"number":"1"}}`}})
			listAutomation(t, f, who, "track-"+who, "")
		}
		runScenarios(t, f, []scenario{{name: "ada composes", as: "ada", method: "POST", path: "/api/v1/automations/compositions", status: 201,
			body: `{"id":"both","title":"Both","description":"Both.","price_per_run_text":"1.00","samples":{"number":"1"},"parts":[{"automation":"track-ada"},{"automation":"track-bob"}]}`}})
		giveBalance(t, f, "ada", 100) // the chain's test runs pay its parts, 20 each
		listAutomation(t, f, "ada", "both", "")
		runScenarios(t, f, []scenario{
			{name: "listed", method: "GET", path: "/api/v1/automations", status: 200, contains: []string{`"id": "both"`}},
			{name: "bob's new samples", as: "bob", method: "PUT", path: "/api/v1/automations/track-bob/samples", body: `{"samples":{"number":"2"}}`, status: 200, contains: []string{`"listed": false`}},
			{name: "out of the listing", method: "GET", path: "/api/v1/automations", status: 200, contains: []string{`"id": "track-ada"`}, notContains: []string{`"id": "both"`, `"id": "track-bob"`}},
			{name: "its page names the part", method: "GET", path: "/automations/both", contentType: "text/html", status: 200,
				contains:    []string{`id="lapsed"`, "part 2 (track-bob) is no longer listed", `href="/automations/track-ada"`},
				notContains: []string{`id="run-form"`, `href="/automations/track-bob"`, "to run it"}},
			{name: "the unlisted part is linked for its author", as: "bob", method: "GET", path: "/automations/both", contentType: "text/html", status: 200,
				contains: []string{`href="/automations/track-bob"`}, notContains: []string{`id="run-form"`}},
			{name: "whom the link would not open", method: "GET", path: "/automations/track-bob", contentType: "text/html", status: 404},
			{name: "the API names the part", method: "GET", path: "/api/v1/automations/both", status: 200, contains: []string{`"lapsed": "part 2 (track-bob) is no longer listed"`, `"listed": false`}},
			{name: "a run is refused naming the part", as: "bob", method: "POST", path: "/api/v1/automations/both/runs", body: `{"params":{"number":"1Z1"}}`,
				status: 409, errCode: "conflict", errField: "parts.1.automation", contains: []string{"part 2 (track-bob)"}},
			{name: "so is a test run", as: "ada", method: "POST", path: "/api/v1/automations/both/test-runs", status: 409, errCode: "conflict", errField: "parts.1.automation"},
		})
		if dialect == store.SQLite {
			lapsedPage(t, f)
		}
		listAutomation(t, f, "bob", "track-bob", "")
		runScenarios(t, f, []scenario{
			{name: "a new version, untested", as: "ada", method: "GET", path: "/api/v1/automations/both", status: 200, contains: []string{`"listed": false`, `"version": 2`, `"tested_version": 1`}, notContains: []string{`"lapsed"`}},
			{name: "not back before its test run", method: "GET", path: "/api/v1/automations", status: 200, notContains: []string{`"id": "both"`}},
		})
		listAutomation(t, f, "ada", "both", "")
		runScenarios(t, f, []scenario{{name: "back", method: "GET", path: "/api/v1/automations", status: 200, contains: []string{`"id": "both"`, `"id": "track-bob"`}}})
	})
}

// lapsedPage opens the lapsed chain's page in Chromium at 1280 and 390 px,
// signed out: the notice naming the part is shown, the part is marked and
// not linked (its page is not the public's), there is no run form nor a
// prompt to sign in and run it, and the page fits the screen.
func lapsedPage(t *testing.T, f *fixture) {
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			wait, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			if err := chromedp.Do(wait, chromedp.EmulateViewport(size.width, size.height), chromedp.Navigate(f.srv.URL+"/automations/both"), chromedp.WaitVisible("#lapsed")); err != nil {
				t.Fatal(err)
			}
			notice, err := chromedp.Run(ctx, chromedp.Text("#lapsed"))
			if err != nil || notice != "Not in the marketplace: part 2 (track-bob) is no longer listed. The chain comes back once that part is listed again and a new test run of the chain has passed." {
				t.Fatalf("the notice: %q %v", notice, err)
			}
			marked, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#part-list li:nth-child(2) .badge")?.innerText ?? ""`))
			if marked != "no longer listed" {
				t.Errorf("the part is marked %q", marked)
			}
			if forms, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#run-form").length`)); forms != 0 {
				t.Error("the lapsed chain offers a run")
			}
			if links, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#part-list a")].map(a => a.getAttribute("href")).join(" ")`)); links != "/automations/track-ada" {
				t.Errorf("a signed-out visitor gets part links %q", links)
			}
			if body, _ := chromedp.Run(ctx, chromedp.Text("main")); strings.Contains(body, "to run it") {
				t.Error("a signed-out visitor is asked to sign in to run the lapsed chain")
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
				t.Errorf("the page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "chain-lapsed-"+size.name)
		})
	}
}
