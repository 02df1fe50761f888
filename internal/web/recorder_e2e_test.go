package web_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/extensiontest"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestRecordedWorkEndToEnd is the whole loop with real parts: ada
// records the practice task with the recorder extension in Chromium, sees
// what will be sent, makes the parcel number and postcode parameters, and
// uploads with her key; the server verifies the recording as human work and
// pays her; she publishes it from its page; bob runs it from the
// marketplace with his own parcel number; ada earns her share and the run
// is in the ledger. A scripted copy of the same task is caught.
func TestRecordedWorkEndToEnd(t *testing.T) {
	f := newFixture(t, store.SQLite)
	fundTreasury(t, f, 10000)
	clientKey(t, f, "ada")
	ada := reward.MemberAccount(f.ids["ada"])
	start, _ := f.app.Reward.Balance(t.Context(), ada)

	// Record.
	ext := extensiontest.Browser(t, f.srv.URL, f.tokens["ada-key"])
	page := ext.NewTab(t, f.srv.URL+"/practice/parcel")
	ext.Start(t, page)
	// A person reads the page, looks at the note the parcel number is on,
	// hesitates: the pauses between steps vary widely.
	think := func(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) }
	think(900)
	extensiontest.MoveClick(t, page, `document.querySelector("#number")`)
	think(350)
	extensiontest.TypeByHand(t, page, "1Z999AA1O")
	extensiontest.TypeByHand(t, page, kb.Backspace) // an O for a zero, corrected
	extensiontest.TypeByHand(t, page, "0123456784")
	think(1700)
	extensiontest.MoveClick(t, page, `document.querySelector("#postcode")`)
	think(200)
	extensiontest.TypeByHand(t, page, "10115")
	think(2400)
	extensiontest.MoveClick(t, page, `document.querySelector("#day-Tuesday")`)
	think(600)
	extensiontest.MoveClick(t, page, `document.querySelector("#neighbour")`)
	think(150)
	extensiontest.TypeByHand(t, page, "Mrs Okafor")
	think(1200)
	extensiontest.MoveClick(t, page, `document.querySelector("#notify")`)
	think(450)
	extensiontest.MoveClick(t, page, `document.querySelector("#track")`)
	extensiontest.WaitText(t, page, "#status", ".")
	review := ext.Stop(t, page)

	// Review: what will be sent masks what was typed until it is a parameter.
	shown := extensiontest.Decode(t, ext.ReviewJSON(t, review))
	if raw := ext.ReviewJSON(t, review); strings.Contains(raw, "1Z999AA10123456784") {
		t.Fatalf("the parcel number would be sent before it is a parameter:\n%s", raw)
	}
	change := func(field string) int {
		i := slices.IndexFunc(shown.Steps, func(s map[string]any) bool {
			return s["type"] == "change" && slices.Contains(extensiontest.Selectors(s), field)
		})
		if i < 0 {
			t.Fatalf("no change step on %s in\n%s", field, ext.ReviewJSON(t, review))
		}
		return i
	}
	ext.MakeParameter(t, review, change("#number"), "number", "Parcel number", false)
	ext.MakeParameter(t, review, change("#postcode"), "postcode", "Postcode", true)
	ext.MakeParameter(t, review, change("#neighbour"), "neighbour", "Neighbour", true)
	// The neighbour's name is kept as the parameter's default, and the
	// tracking page echoes it: the privacy module replaced it on this
	// machine in both, before anything is sent.
	if raw := ext.ReviewJSON(t, review); strings.Contains(raw, "Okafor") || !strings.Contains(raw, "<TITLE> <PERSON>") {
		t.Fatalf("the kept name is not redacted in what will be sent:\n%s", raw)
	}
	browsertest.Screenshot(t, review, "e2e-review")
	result := ext.Upload(t, review)
	browsertest.Screenshot(t, review, "e2e-uploaded")
	m := regexp.MustCompile(`Uploaded as (\S+) — status: (\w+)`).FindStringSubmatch(result)
	if m == nil || m[2] != "verified" {
		t.Fatalf("upload result: %q", result)
	}
	id := m[1]
	paid, _ := f.app.Reward.Balance(t.Context(), ada)
	if want := start + param(t, f, coop.RecordingReward); paid != want {
		t.Fatalf("ada's balance after a verified recording: %d, want %d", paid, want)
	}

	// Publish from the recording's page.
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/recordings/"+id)
	waitCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	err := chromedp.Do(waitCtx,
		chromedp.WaitVisible("#publish-form"),
		chromedp.SendKeys("#pub-id", "parcel-status"),
		chromedp.SendKeys("#pub-description", "Looks up a parcel's status by its number."),
		chromedp.SetValue("#pub-price", "1.00"),
		chromedp.Submit("#publish-form"),
		chromedp.WaitVisible("#market"),
	)
	if err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Text("main"))
		browsertest.Screenshot(t, ctx, "e2e-publish-failed")
		t.Fatalf("publish: %v\n%s", err, text)
	}

	// Listed after its test run in the sandbox on her sample.
	listAutomation(t, f, "ada", "parcel-status", `{"number":"JJD0099887766"}`)

	// Bob runs it with his own parcel and postcode.
	runScenarios(t, f, []scenario{
		{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":500}`, status: 201},
	})
	bobCtx := browsertest.New(t)
	signInBrowser(t, f, bobCtx, "bob", "/automations")
	if status := runAutomation(t, f, bobCtx, "parcel-status", map[string]string{"number": "JJD0099887766", "postcode": "80331"}); status != "ok" {
		steps, _ := chromedp.Run(bobCtx, chromedp.Text("main"))
		t.Fatalf("bob's run ended %q:\n%s", status, steps)
	}
	browsertest.Screenshot(t, bobCtx, "e2e-run")
	earned, _ := f.app.Reward.Balance(t.Context(), ada)
	if want := paid + 100*param(t, f, coop.AuthorShare)/10000; earned != want {
		t.Errorf("ada's balance after bob's run: %d, want %d", earned, want)
	}
	var splits int
	f.app.DB.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1 AND CAST(entry AS TEXT) LIKE '%automation:parcel-status%'`,
		string(ledger.RewardSplit)).Scan(&splits)
	if splits != 1 {
		t.Errorf("%d %s events for the run, want 1", splits, ledger.RewardSplit)
	}
	var usage struct {
		Automations []struct {
			ID   string `json:"id"`
			Runs int    `json:"runs"`
		} `json:"automations"`
	}
	body := readBody(t, f.do("", "GET", "/api/v1/automations", "", "", nil))
	if json.Unmarshal([]byte(body), &usage) != nil || !slices.ContainsFunc(usage.Automations, func(a struct {
		ID   string `json:"id"`
		Runs int    `json:"runs"`
	}) bool {
		return a.ID == "parcel-status" && a.Runs == 1 // bob's; ada's test run is not counted
	}) {
		t.Errorf("public usage count: %s", body)
	}

	// The same task done by a Selenium-style script is caught.
	bot := parcelRecording(t, f.srv.URL, behavior.SynthBot(behavior.BotSelenium, behavior.SynthNewTask(3), 3))
	resp := f.do("ada-key", "POST", "/api/v1/recordings", "application/json", bot, nil)
	if got := readBody(t, resp); resp.StatusCode != 201 || !strings.Contains(got, `"status": "rejected"`) {
		t.Errorf("a scripted recording: %d %s", resp.StatusCode, got)
	}
	if after, _ := f.app.Reward.Balance(t.Context(), ada); after != earned {
		t.Errorf("a scripted recording changed ada's balance: %d → %d", earned, after)
	}
}

func param(t *testing.T, f *fixture, name coop.Param) int64 {
	t.Helper()
	v, err := f.app.Params.Get(t.Context(), f.app.DB.Read(), name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
