package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/tlog/client"
)

// TestDayBounty is issue 17's bounty in the demo cooperative, on a laptop
// and on a phone: Rita finds the bounties from the work page, sees the
// demo's open one, funds a bounty for recordings of the practice task
// through the form; Ada and Grace record the task (through the domain, as
// the extension would upload it) and each claims on the bounty's page —
// Ada all her eligible recordings at once, Grace hers by its own button —
// and is paid from the escrow; Rita closes the bounty and the rest goes
// back to her. Balances move by exactly the rewards and the refund, and
// the public log holds each payment and the refund by pseudonym, with no
// name.
func TestDayBounty(t *testing.T) { eachDay(t, "bounty", dayBounty) }

// dayBounty is TestDayBounty on one dialect.
func dayBounty(t *testing.T, d *day) {
	d.publishLedger()
	ctx := t.Context()
	a := d.site.app
	rita, ada, grace := d.as("rita@example.org"), d.as("ada@example.org"), d.as("grace@example.org")
	balance := func(account string) int64 {
		t.Helper()
		b, err := a.Reward.Balance(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	people := behavior.SynthPeople(5, 2)
	seed := uint64(100)
	record := func(who string, person behavior.SynthPerson) string {
		t.Helper()
		seed++
		r, err := a.Actions.Upload(ctx, d.as(who), []byte(parcelRecording(t, d.site.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(seed), seed))), "")
		if err != nil || r.Status != action.Verified {
			t.Fatalf("%s's recording: %+v %v", who, r, err)
		}
		return r.ID
	}
	var ids []int64
	for _, size := range dayWidths {
		d.at(size.width, size.height)
		title := "Parcel recordings, " + size.name

		// Rita funds a bounty from the form, 1.50 a recording, two per
		// member, 10.00 in all.
		d.signIn("rita@example.org")
		d.open("/work", "")
		d.do("find the bounties", chromedp.Click(`#work-bounties a[href="/bounties"]`), chromedp.WaitVisible("#bounty-list"))
		d.has("#bounty-list", demo.BountyTitle)
		d.here("list")
		d.do("open the form", chromedp.Click("#new-bounty"), chromedp.WaitVisible("#bounty-form"))
		d.do("fill the form",
			chromedp.SetValue("#kind", "recordings"),
			chromedp.SendKeys("#title", title),
			chromedp.SendKeys("#terms", "Track a parcel on the practice tracker, from the number to the status."),
			chromedp.SendKeys("#site", "/practice/parcel"),
			chromedp.SetValue("#cap_per_member", "2"),
			chromedp.SetValue("#days", "7"))
		fillMoney(d, "Reward per unit", 150)
		fillMoney(d, "Budget for the escrow", 1000)
		d.here("form")
		fundedBefore := balance(reward.FundingAccount(rita.PublicID))
		d.do("fund it", chromedp.Click("#fund-bounty"), chromedp.WaitVisible("#bounty-escrow"))
		d.has("#bounty-left", "10.00 EUR")
		d.has("#bounty-terms", "1.50 EUR", "/practice/parcel", "2 recordings")
		d.here("funded")
		loc, err := chromedp.Run(d.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("the bounty's page is %s", loc)
		}
		ids = append(ids, id)
		if got := balance(reward.FundingAccount(rita.PublicID)); got != fundedBefore-1000 {
			t.Errorf("funding moved %d from Rita, want 1000", fundedBefore-got)
		}
		d.signOut()

		// Ada and Grace record the task; the checks verify them.
		record("ada@example.org", people[0])
		record("ada@example.org", people[0])
		graces := record("grace@example.org", people[1])
		adaBefore, graceBefore := balance(reward.MemberAccount(ada.PublicID)), balance(reward.MemberAccount(grace.PublicID))

		// Ada claims both of hers at once.
		d.signIn("ada@example.org")
		d.open(fmt.Sprintf("/bounties/%d", id), "")
		d.has("#eligible-count", "2 of your recordings")
		d.here("eligible")
		d.do("claim all", chromedp.Click("#claim-all"), chromedp.WaitVisible("#claimed"))
		d.has("#claimed", "2 units were paid")
		d.has("#my-total", "3.00 EUR")
		d.has("#bounty-left", "7.00 EUR")
		d.has("#bounty-capped", "2 recordings")
		d.here("claimed")
		d.signOut()

		// Grace claims hers by its own button.
		d.signIn("grace@example.org")
		d.open(fmt.Sprintf("/bounties/%d", id), "")
		d.do("claim one", chromedp.Click(`#eligible button[aria-label="Claim `+graces+`"]`), chromedp.WaitVisible("#claimed"))
		d.has("#claimed", "1 unit was paid")
		d.has("#bounty-left", "5.50 EUR")
		d.lacks("#bounty-escrow", "Close and refund")
		d.signOut()

		if got := balance(reward.MemberAccount(ada.PublicID)) - adaBefore; got != 300 {
			t.Errorf("Ada was paid %d, want 300", got)
		}
		if got := balance(reward.MemberAccount(grace.PublicID)) - graceBefore; got != 150 {
			t.Errorf("Grace was paid %d, want 150", got)
		}

		// Rita closes it; the 5.50 left goes back to her.
		d.signIn("rita@example.org")
		d.open(fmt.Sprintf("/bounties/%d", id), "")
		d.has("#bounty-paid", "3 recordings", "4.50 EUR")
		d.confirmAll()
		d.do("close it", chromedp.Click("#close-bounty"), chromedp.WaitVisible("#bounty-closed"))
		d.has("#bounty-closed", "5.50 EUR went back to the funder")
		d.has("#bounty-left", "0.00 EUR")
		d.has("#bounty-status", "closed")
		d.here("closed")
		if got := balance(reward.FundingAccount(rita.PublicID)); got != fundedBefore-450 {
			t.Errorf("after the close Rita's funding moved %d, want 450", fundedBefore-got)
		}
		if got := balance(bounty.EscrowAccount(id)); got != 0 {
			t.Errorf("the closed bounty's escrow holds %d", got)
		}
		d.signOut()
	}

	// The log holds, for each bounty, its funding, three payments and the
	// refund, by pseudonym, and no name.
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := bountiesInLog(t, d, ids)
		want := fmt.Sprint(len(ids)*1, " ", len(ids)*3, " ", len(ids)*1)
		if err == nil && got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute the log holds funded/paid/refunded %s (%v), want %s", got, err, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// bountiesInLog verifies the public log from the outside and counts the
// bounty events of the bounties ids, checking their amounts; it fails the
// test if one names a person.
func bountiesInLog(t *testing.T, d *day, ids []int64) (string, error) {
	t.Helper()
	c, err := client.New(d.url("/log/"), d.site.app.Log.VerifierKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]bool{}
	for _, id := range ids {
		scopes[fmt.Sprintf("bounty:%d", id)] = true
	}
	var funded, paid, refunded int
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err = c.Verify(ctx, client.VerifyOptions{Audit: true, EachEntry: func(_ uint64, raw []byte) error {
		e, err := ledger.ParseEntry(raw)
		if err != nil || !scopes[e.Scope] {
			return err
		}
		for _, name := range []string{"Ada", "Grace", "Rita", "example.org"} {
			if strings.Contains(string(raw), name) {
				t.Errorf("the log's %s entry names %q: %s", e.Type, name, raw)
			}
		}
		amount := int64(0)
		for _, p := range e.Postings {
			if p.Amount > 0 {
				amount = p.Amount
			}
		}
		switch {
		case e.Type == ledger.BountyFunded && amount == 1000:
			funded++
		case e.Type == ledger.BountyPaid && amount == 150:
			paid++
		case e.Type == ledger.BountyRefunded && amount == 550:
			refunded++
		default:
			t.Errorf("an unexpected entry of a bounty: %s", raw)
		}
		return nil
	}})
	return fmt.Sprint(funded, " ", paid, " ", refunded), err
}
