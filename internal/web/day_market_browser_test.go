package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestDayMarketplace is the marketplace's day in the demo cooperative, on
// a laptop and on a phone, with every run in the server's sandbox (the
// real headless Chromium behind the guarding proxy, allowed here to reach
// the demo's own practice parcel tracker): Ada's automation is refused a
// listing until she gives its samples and its test run succeeds; Linus
// runs it and reviews his run; Ada answers; Linus composes Ada's and
// Grace's automations into a third, test-runs and lists it, and its run
// pays both authors in one reward.split.
func TestDayMarketplace(t *testing.T) { eachDay(t, "market", dayMarketplace) }

// dayMarketplace is TestDayMarketplace on one dialect.
func dayMarketplace(t *testing.T, d *day) {
	a := d.site.app
	ctx := t.Context()
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	a.Actions.Replayer = browser
	ada, grace, linus := d.as("ada@example.org"), d.as("grace@example.org"), d.as("linus@example.org")
	fund := func(m member.Member, amount int64) {
		err := a.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := a.Reward.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited,
				Postings: []ledger.Posting{{Account: "funding:test", Amount: -amount}, {Account: reward.MemberAccount(m.PublicID), Amount: amount}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fund(linus, 5000)
	publish := func(m member.Member, seed uint64, pub action.Publication) {
		person := behavior.SynthPeople(5, 1)[0]
		raw := parcelRecording(t, d.site.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(seed), seed))
		rec, err := a.Actions.Upload(ctx, m, []byte(raw), "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload: %+v %v", rec, err)
		}
		if _, err := a.Actions.Publish(ctx, m, rec.ID, pub); err != nil {
			t.Fatal(err)
		}
	}
	// execute runs a queued run as the job runner would (the demo
	// server runs none), then reloads its page.
	execute := func() {
		t.Helper()
		loc, _ := chromedp.Run(d.ctx, chromedp.Location())
		id := loc[strings.LastIndex(loc, "/")+1:]
		var row int64
		if err := a.DB.Read().QueryRowContext(ctx, `SELECT id FROM automation_runs WHERE public_id = $1`, id).Scan(&row); err != nil {
			t.Fatalf("the run at %s: %v", loc, err)
		}
		if err := a.Actions.Execute(ctx, row); err != nil {
			t.Fatal(err)
		}
		d.do("see the run end", chromedp.Reload(), chromedp.WaitVisible("#run-status"))
		if status := d.text("#run-status"); status != "ok" {
			t.Fatalf("the run ended %q: %s", status, d.text(""))
		}
	}
	const parcel = "1Z999AA10123456784"

	for i, size := range dayWidths {
		track, trace, both := "track-"+size.name, "trace-"+size.name, "both-"+size.name
		publish(ada, uint64(70+i), action.Publication{Slug: track, Title: "Track a parcel (" + size.name + ")", Description: "Looks up where a parcel is on the practice tracker.", PricePerRun: 100})
		publish(grace, uint64(80+i), action.Publication{Slug: trace, Title: "Trace a parcel (" + size.name + ")", Description: "Looks a parcel up again.", PricePerRun: 50,
			Samples: map[string]string{"number": parcel}})
		// Grace listed hers elsewhere, after its test run.
		run, err := a.Actions.TestRun(ctx, grace, trace)
		if err != nil {
			t.Fatal(err)
		}
		var row int64
		a.DB.Read().QueryRowContext(ctx, `SELECT id FROM automation_runs WHERE public_id = $1`, run.ID).Scan(&row)
		if err := a.Actions.Execute(ctx, row); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Actions.List(ctx, grace, trace); err != nil {
			t.Fatalf("grace lists hers: %v", err)
		}
		d.at(size.width, size.height)

		// Ada: no listing without a test run; samples, test run, listing.
		d.signIn("ada@example.org")
		d.open("/automations/"+track, "draft")
		d.has("#unlisted", "not listed")
		d.do("list untested", chromedp.Click("#list-button"), chromedp.WaitVisible("#market-error"))
		d.has("#market-error", "test run")
		d.do("give a sample", chromedp.SendKeys("#sample-number", parcel), chromedp.Click("#samples-button"), chromedp.WaitVisible(`#sample-number[value="`+parcel+`"]`))
		d.do("test run", chromedp.Click("#test-run-button"), chromedp.WaitVisible("#test-run-note"))
		execute()
		d.here("test-run")
		d.do("back to list it", chromedp.Click("#test-run-note a"), chromedp.WaitVisible("#list-button"), chromedp.Click("#list-button"), chromedp.WaitVisible("#run-form"))
		if d.count("#unlisted") != 0 {
			t.Fatalf("still not listed after its test run: %s", d.text(""))
		}
		d.here("listed")
		d.signOut()

		// Linus runs it from the marketplace and reviews his run.
		d.signIn("linus@example.org")
		d.open("/automations", "marketplace")
		d.do("open it", chromedp.Click(`#automation-list a[href="/automations/`+track+`"]`), chromedp.WaitVisible("#run-form"),
			chromedp.SendKeys("#param-number", parcel), chromedp.Click("#run-button"), chromedp.WaitVisible("#run-status"))
		execute()
		d.do("review", chromedp.WaitVisible("#review-form"), chromedp.SetValue("#review-rating", "4"),
			chromedp.SendKeys("#review-body", "Found my parcel at once."), chromedp.Click("#review-button"), chromedp.WaitVisible("#reviews"))
		d.has("#reviews", "4 of 5", "Found my parcel at once.")
		d.has("#rating", "4.0 of 5")
		d.has("#success-rate", "100 % of 1 run in")
		d.here("reviewed")
		d.signOut()

		// Ada answers.
		d.signIn("ada@example.org")
		d.open("/automations/"+track, "")
		d.do("answer", chromedp.SendKeys(".answer-form textarea", "Glad it helped!"), chromedp.Click(".answer-form button"), chromedp.WaitVisible(".review-answer"))
		d.has(".review-answer", "Glad it helped!")
		d.here("answered")
		d.signOut()

		// Linus chains Ada's and Grace's into a third, tests and lists it.
		d.signIn("linus@example.org")
		d.open("/automations/compose", "compose")
		d.do("compose", chromedp.SendKeys("#compose-id", both), chromedp.SendKeys("#compose-title", "Track twice ("+size.name+")"),
			chromedp.SendKeys("#compose-description", "Tracks a parcel with Ada's automation, then again with Grace's."),
			chromedp.SetValue("#compose-part-0", track), chromedp.SetValue("#compose-part-1", trace),
			chromedp.SendKeys("#compose-samples", "number = "+parcel))
		fillMoney(d, "Price per run", 200)
		d.do("send", chromedp.Click("#compose-button"), chromedp.WaitVisible("#parts"))
		d.has("#part-list", "Track a parcel", "Trace a parcel")
		d.do("test the chain", chromedp.Click("#test-run-button"), chromedp.WaitVisible("#test-run-note"))
		execute()
		d.do("list the chain", chromedp.Click("#test-run-note a"), chromedp.WaitVisible("#list-button"), chromedp.Click("#list-button"), chromedp.WaitVisible("#run-form"))
		d.here("composed")
		d.open("/automations", "")
		d.has(`#automation-list li:has(a[href="/automations/`+both+`"]) .parts`, "2 automations")
		d.open("/automations/"+both, "")
		splits := func() (n int) {
			a.DB.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = 'reward.split'`).Scan(&n)
			return n
		}
		splitsBefore := splits()
		adaBefore, _ := a.Reward.Balance(ctx, reward.MemberAccount(ada.PublicID))
		graceBefore, _ := a.Reward.Balance(ctx, reward.MemberAccount(grace.PublicID))
		d.do("run the chain", chromedp.SendKeys("#param-number", parcel), chromedp.Click("#run-button"), chromedp.WaitVisible("#run-status"))
		execute()
		if n := d.count("#run-steps tbody tr"); n != 16 {
			t.Errorf("the chain's run shows %d steps, want 8 + 8", n)
		}
		if d.count("#review-form") != 0 {
			t.Error("the chain's composer is offered to review his own automation")
		}
		d.has("#run-status", "ok")
		d.here("chain-run")
		d.signOut()
		// 200 points: each author what a direct run of her part pays her
		// (ada 80 of 100, grace 40 of 50), and the authors' 80 % of the
		// 50 markup by their steps, 8 each (20 each); the treasury the
		// rest, in one split.
		adaAfter, _ := a.Reward.Balance(ctx, reward.MemberAccount(ada.PublicID))
		graceAfter, _ := a.Reward.Balance(ctx, reward.MemberAccount(grace.PublicID))
		if adaAfter-adaBefore != 100 || graceAfter-graceBefore != 60 {
			t.Errorf("the chain's run paid ada %d and grace %d, want 100 and 60", adaAfter-adaBefore, graceAfter-graceBefore)
		}
		if n := splits() - splitsBefore; n != 1 {
			t.Errorf("%d splits for the chain's one run", n)
		}
	}
}
