package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// parcelRecording is a recording of the practice task on base, with the
// timing and pointer evidence of ev: the parcel number and postcode are
// parameters.
func parcelRecording(t testing.TB, base string, ev behavior.Recording) string {
	t.Helper()
	sel := func(s ...string) []recording.Selector {
		out := make([]recording.Selector, len(s))
		for i, x := range s {
			out[i] = recording.Selector{x}
		}
		return out
	}
	rec := recording.Recording{
		Title: "Track a parcel",
		Steps: []recording.Step{
			{Type: "setViewport", Width: 1280, Height: 720, DeviceScaleFactor: 1},
			{Type: "navigate", URL: base + "/practice/parcel", AssertedEvents: []recording.AssertedEvent{{Type: "navigation", URL: base + "/practice/parcel", Title: "Parcel tracker (practice)"}}},
			{Type: "click", Selectors: sel("aria/Parcel number", "#number", "xpath///*[@id=\"number\"]"), OffsetX: 20, OffsetY: 10},
			{Type: "change", Selectors: sel("aria/Parcel number", "#number"), Value: "{{number}}"},
			{Type: "click", Selectors: sel("aria/Postcode", "#postcode"), OffsetX: 20, OffsetY: 10},
			{Type: "change", Selectors: sel("aria/Postcode", "#postcode"), Value: "{{postcode}}"},
			{Type: "click", Selectors: sel("aria/Track[role=\"button\"]", "#track"), OffsetX: 10, OffsetY: 8,
				AssertedEvents: []recording.AssertedEvent{{Type: "navigation"}}},
			{Type: "waitForElement", Selectors: sel("#status")},
		},
		Allmende: &recording.Extension{Version: 1, Recorder: "allmende-extension/0.1", Viewport: recording.Viewport{Width: ev.Viewport.W, Height: ev.Viewport.H},
			Parameters: []recording.Parameter{{Name: "number", Label: "Parcel number"}, {Name: "postcode", Label: "Postcode", Default: "10115"}}},
	}
	rec.Allmende.Events = recording.EventsOf(ev.Events)
	raw, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func fundTreasury(t testing.TB, f *fixture, amount int64) {
	t.Helper()
	err := f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := f.app.Reward.Transfer(t.Context(), tx, ledger.Event{Type: ledger.FundsDeposited,
			Postings: []ledger.Posting{{Account: "funding:grant:test", Amount: -amount}, {Account: reward.Treasury, Amount: amount}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecordingsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		fundTreasury(t, f, 10000)
		clientKey(t, f, "ada")
		person := behavior.SynthPeople(3, 1)[0]
		human := parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(1), 1))
		bot := parcelRecording(t, f.srv.URL, behavior.SynthBot(behavior.BotSelenium, behavior.SynthNewTask(2), 2))
		runScenarios(t, f, []scenario{
			{name: "anonymous upload", method: "POST", path: "/api/v1/recordings", body: human, status: 401, errCode: "unauthorized"},
			{name: "bad JSON names the step", as: "ada", method: "POST", path: "/api/v1/recordings", body: `{"title":"x","steps":[{"type":"click"}]}`,
				status: 422, errCode: "invalid", errField: "steps[0].selectors"},
			{name: "a title too long to list", as: "ada", method: "POST", path: "/api/v1/recordings",
				body: `{"title":"` + strings.Repeat("t", 201) + `","steps":[{"type":"navigate","url":"https://example.org/"}]}`, status: 422, errCode: "invalid", errField: "title"},
			{name: "too large", as: "ada", method: "POST", path: "/api/v1/recordings", body: `{"title":"` + strings.Repeat("x", 11<<20) + `"}`, status: 413, errCode: "too_large"},
			{name: "upload with the extension's key", as: "ada-key", method: "POST", path: "/api/v1/recordings", body: human,
				status: 201, contains: []string{`"status": "verified"`, `"paid": true`, `"member": "{ada}"`}},
			{name: "a script is rejected with reasons", as: "ada", method: "POST", path: "/api/v1/recordings", body: bot,
				status: 201, contains: []string{`"status": "rejected"`, `"reasons": [`}},
			{name: "own list", as: "ada", method: "GET", path: "/api/v1/members/me/recordings", status: 200, contains: []string{"Track a parcel"}},
			{name: "another member's list", as: "bob", method: "GET", path: "/api/v1/members/{ada}/recordings", status: 403, errCode: "forbidden"},
			{name: "a key does not open other endpoints", as: "ada-key", method: "GET", path: "/api/v1/members/me/recordings", status: 401, errCode: "unauthorized"},
			{name: "public marketplace", method: "GET", path: "/api/v1/automations", status: 200, contains: []string{`"automations": []`}},
		})
	})
}

// TestBrowserAutomationEndToEnd: ada's verified recording is published;
// bob runs it from the marketplace page with his own parcel number; the
// server replays it in Chromium against the practice page; ada is paid.
func TestBrowserAutomationEndToEnd(t *testing.T) {
	f := newFixture(t, store.SQLite)
	fundTreasury(t, f, 10000)
	person := behavior.SynthPeople(5, 1)[0]
	resp := f.do("ada", "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(7), 7)), nil)
	var rec struct{ ID, Status string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{
		{name: "publish", as: "ada", method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
			body: `{"id":"track-parcel","title":"Track a parcel","description":"Looks up where a parcel is.","price_per_run":100}`, contains: []string{`"author": "{ada}"`}},
		{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":500}`, status: 201},
	})
	listAutomation(t, f, "ada", "track-parcel", `{"number":"1Z999AA10123456784"}`)
	adaBefore, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["ada"]))

	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "bob", "/automations")
	if status := runAutomation(t, f, ctx, "track-parcel", map[string]string{"number": "1Z999AA10123456784"}); status != "ok" {
		page, _ := chromedp.Run(ctx, chromedp.Text("main"))
		t.Fatalf("run ended %q: %s", status, page)
	}
	browsertest.Screenshot(t, ctx, "automation-run")
	if rows, _ := chromedp.Run(ctx, chromedp.Text("#run-steps")); strings.Count(rows, "ok") < 8 {
		t.Fatalf("step results: %q", rows)
	}
	adaAfter, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["ada"]))
	bob, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"]))
	if adaAfter != adaBefore+80 || bob != 400 {
		t.Fatalf("after the run: ada %d → %d, bob %d", adaBefore, adaAfter, bob)
	}
	// A parcel number the page refuses fails the run at the last step and
	// refunds bob.
	if status := runAutomation(t, f, ctx, "track-parcel", map[string]string{"number": "no!"}); status != "failed" {
		t.Fatalf("a run that cannot work ended %q", status)
	}
	browsertest.Screenshot(t, ctx, "automation-run-failed")
	if bob, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"])); bob != 400 {
		t.Fatalf("bob was charged for a failed run: %d", bob)
	}
}

// runAutomation finds the automation in the marketplace in the browser
// ctx, fills in its run form, starts the run, and follows its page until it
// ends: it returns "ok" or "failed" (or the status it was stuck in after
// 30 s).
func runAutomation(t *testing.T, f *fixture, ctx context.Context, id string, params map[string]string) string {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(f.srv.URL + "/automations"),
		chromedp.WaitVisible("#automation-list"),
		chromedp.Click(`#automation-list a[href="/automations/` + id + `"]`),
		chromedp.WaitVisible("#run-form"),
	}
	for name, v := range params {
		actions = append(actions,
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector("#param-%s").value = ""`, name)),
			chromedp.SendKeys("#param-"+name, v))
	}
	actions = append(actions, chromedp.Click("#run-button"), chromedp.WaitVisible("#run-status"))
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	var status string
	for range 120 {
		status, _ = chromedp.Run(ctx, chromedp.Text("#run-status"))
		if status == "ok" || status == "failed" {
			break
		}
		time.Sleep(250 * time.Millisecond)
		chromedp.Do(ctx, chromedp.Reload())
	}
	return status
}

// TestBrowserRecordingUploadAndReview: ada uploads a file from the
// recordings page — first a broken one, whose errors name the step, then
// an export from Chrome's own Recorder, which carries no behavioural
// evidence and so waits for a steward; stella verifies it on the reviews
// page, and ada is paid.
func TestBrowserRecordingUploadAndReview(t *testing.T) {
	f := newFixture(t, store.SQLite)
	fundTreasury(t, f, 10000)
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"title":"x","steps":[{"type":"navigate","url":"https://example.org/"},{"type":"click","selectors":[]}]}`), 0o644)
	chrome, err := filepath.Abs("../recording/testdata/chrome_search.json")
	if err != nil {
		t.Fatal(err)
	}
	ada := reward.MemberAccount(f.ids["ada"])
	before, _ := f.app.Reward.Balance(t.Context(), ada)

	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/recordings")
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#file", []string{broken}),
		chromedp.Submit("#upload-form"),
		chromedp.WaitVisible("#upload-errors"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#upload-errors")); !strings.Contains(msg, "steps[1].selectors") {
		t.Errorf("the errors shown: %q", msg)
	}
	browsertest.Screenshot(t, ctx, "recording-upload-error")
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#file", []string{chrome}),
		chromedp.Submit("#upload-form"),
		chromedp.WaitVisible("#reasons"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := chromedp.Run(ctx, chromedp.Text("#status")); status != "review" {
		t.Fatalf("a Chrome export without evidence: status %q", status)
	}
	if score, _ := chromedp.Run(ctx, chromedp.Text("#score")); !strings.Contains(score, "not judged") {
		t.Errorf("a recording without evidence shows the score %q", score)
	}
	var id string
	f.app.DB.Read().QueryRowContext(t.Context(), `SELECT public_id FROM recordings ORDER BY id DESC LIMIT 1`).Scan(&id)

	steward := browsertest.New(t)
	signInBrowser(t, f, steward, "stella", "/reviews")
	err = chromedp.Do(steward,
		chromedp.WaitVisible("#recording-review-"+id),
		chromedp.Click(`#recording-review-`+id+` button[value="verified"]`),
		chromedp.WaitNotPresent("#recording-review-"+id),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, steward, "recording-reviewed")
	if after, _ := f.app.Reward.Balance(t.Context(), ada); after != before+param(t, f, coop.RecordingReward) {
		t.Errorf("ada after the steward verified her recording: %d → %d", before, after)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/recordings/"+id), chromedp.WaitVisible("#status")); err != nil {
		t.Fatal(err)
	}
	if status, _ := chromedp.Run(ctx, chromedp.Text("#status")); status != "verified" {
		t.Errorf("after the review: %q", status)
	}
}
