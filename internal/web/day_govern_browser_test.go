package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/coop"
)

// TestDayGovernance is governance with its safeguards in the demo
// cooperative, on a laptop and on a phone: Linus delegates his vote on
// the pay for recordings to Ada; Ada proposes to raise it, and since she
// holds less than the demo's threshold of shares her proposal waits for a
// co-signer; Grace co-signs and votes, Ada votes, Linus does not — and his
// delegated vote is what reaches the quorum. When voting closes the
// change does not apply: its page shows what will change and when, with a
// counter-proposal at hand; when the timelock ends the decide chore
// applies it, and the parameter has changed. Time moves through the
// domain's now.
func TestDayGovernance(t *testing.T) { eachDay(t, "govern", dayGovernance) }

// dayGovernance is TestDayGovernance on one dialect.
func dayGovernance(t *testing.T, d *day) {
	a := d.site.app
	ctx := t.Context()
	ada := d.as("ada@example.org")
	for i, size := range dayWidths {
		d.at(size.width, size.height)
		value := 300 + 50*int64(i) // 3.00, then 3.50
		text := strconv.FormatInt(value/100, 10) + "." + strconv.FormatInt(value%100, 10)
		if value%100 == 0 {
			text += "0"
		}

		d.signIn("linus@example.org")
		d.open("/proposals", "proposals")
		d.do("delegate to Ada",
			chromedp.WaitVisible("#delegate-form"),
			chromedp.SendKeys("#delegate", ada.PublicID),
			chromedp.SetValue("#topic", string(coop.RecordingReward)),
			chromedp.Click("#delegate-submit"),
			chromedp.WaitVisible("#my-delegations"))
		d.has("#my-delegations", "proposals on the pay for a verified recording: to "+ada.PublicID)
		d.here("delegated")
		d.signOut()

		d.signIn("ada@example.org")
		d.open("/proposals/new", "")
		d.do("propose",
			chromedp.WaitVisible("#proposal-form"),
			chromedp.SendKeys("#title", "Pay "+text+" for a recording ("+size.name+")"),
			chromedp.SendKeys("#text", "Careful recordings take time; pay for it."),
			chromedp.SetValue("#param", string(coop.RecordingReward)),
			chromedp.SendKeys("#option_0", "Yes, "+text),
			chromedp.SendKeys("#value_0", text),
			chromedp.SendKeys("#option_1", "No, keep it"),
			chromedp.SetValue("#quorum", "50"),
			chromedp.SetValue("#days", "1"),
			chromedp.Submit("#proposal-form"),
			chromedp.WaitVisible("#phase"))
		loc, err := chromedp.Run(d.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("after proposing the tab shows %s", loc)
		}
		path := "/proposals/" + strconv.FormatInt(id, 10)
		cosigning := d.count("#cosigning") == 1
		if cosigning {
			d.has("#cosigning", "Voting opens when 1 more member co-signs it")
			d.here("cosigning")
		}
		d.signOut()

		d.signIn("grace@example.org")
		d.open(path, "")
		if cosigning {
			d.do("co-sign", chromedp.Click("#cosign"), chromedp.WaitVisible("#vote-form"))
		}
		d.do("Grace votes", chromedp.Click("#option-0"), chromedp.Click("#vote"), chromedp.WaitVisible("#your-vote"))
		d.signOut()

		d.signIn("ada@example.org")
		d.open(path, "")
		d.do("Ada votes", chromedp.Click("#option-0"), chromedp.Click("#vote"), chromedp.WaitVisible("#your-vote"))

		// Voting closes: the count passes it with Linus's vote carried by
		// Ada, and the change waits in its timelock.
		p, err := a.Govern.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Govern.Decide(ctx, p.ClosesAt); err != nil {
			t.Fatal(err)
		}
		if p, _ = a.Govern.Get(ctx, id); p.Change == nil || p.Result.Delegated != 1 {
			t.Fatalf("after the count: %+v, change %+v", p.Result, p.Change)
		}
		before, _ := a.Params.Get(ctx, nil, coop.RecordingReward)
		d.open(path, "timelock")
		d.has("#outcome", "Passed")
		d.has("#turnout", "2 voted and 1 more through their delegate")
		d.has("#timelock-change", "the pay for a verified recording:", "→ "+text)
		// An hour after the close, which is a day from the wall clock's now.
		d.has("#timelock-countdown", "Applies on "+p.Change.AppliesAt.UTC().Format("2 Jan 2006 15:04 UTC"), "in 1 day")
		if d.count("#counter-proposal") != 1 {
			t.Error("no counter-proposal link while the change waits")
		}
		if before == value {
			t.Fatalf("the reward is already %d during the timelock", value)
		}

		// The timelock ends; the chore applies the change, once.
		for range 2 {
			if _, err := a.Govern.Decide(ctx, p.Change.AppliesAt); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := a.Params.Get(ctx, nil, coop.RecordingReward); got != value {
			t.Fatalf("the pay for a recording is %d after the timelock, want %d", got, value)
		}
		d.open(path, "applied")
		d.has("#change", "Applied:", "→ "+text)
		d.has("#timelock-state", "Applied on")
		d.open("/proposals", "")
		if d.count("#queued-"+strconv.FormatInt(id, 10)) != 0 {
			t.Error("the applied change is still listed as waiting")
		}
		d.signOut()
	}
}
