package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserPayoutOnlySteward: at 1280 and 390 px, the cooperative's only
// steward asks for a payout of her own balance on /earnings, finds it on
// /payouts offered to her as hers to record, with why, records it, and
// sees on /earnings that it is paid and that she recorded it. No page is
// wider than the screen; axe-core finds nothing serious on /payouts.
func TestBrowserPayoutOnlySteward(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	axe := browsertest.HasAxe(t)
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			runScenarios(t, f, []scenario{{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{stella}/deposits", body: `{"amount_text":"10.00"}`, status: 201}})
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					page, _ := chromedp.Run(ctx, chromedp.Text("main"))
					t.Fatalf("%s: %v\n%s", what, err, page)
				}
			}
			fits := func(page string) {
				t.Helper()
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
					t.Errorf("%s is wider than the %d px screen", page, size.width)
				}
			}
			signInBrowser(t, f, ctx, "stella", "/earnings")
			check("ask", chromedp.Do(ctx,
				chromedp.WaitVisible("#payout-amount"),
				chromedp.SetValue("#payout-amount", "4.00"),
				chromedp.Click("#ask-payout"),
				chromedp.WaitVisible("#payout-waiting"),
				chromedp.Navigate(f.srv.URL+"/payouts"),
				chromedp.WaitVisible("#pending-payouts"),
			))
			hint, _ := chromedp.Run(ctx, chromedp.Text("#pending-payouts .hint"))
			button, _ := chromedp.Run(ctx, chromedp.Text("#pending-payouts button"))
			if !strings.Contains(hint, "as the only steward you record it yourself, and the log says so") || button != "Record my own payout as paid" {
				t.Errorf("/payouts offers her own request as %q with %q", button, hint)
			}
			fits("/payouts")
			if axe {
				for _, finding := range browsertest.Axe(t, ctx) {
					t.Errorf("/payouts: axe-core: %s", finding)
				}
			}
			t.Logf("own request: %s", browsertest.Screenshot(t, ctx, "payout-self-"+size.name))
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
				t.Fatal(err)
			}
			check("record it", chromedp.Do(ctx,
				chromedp.Click("#pending-payouts button"),
				chromedp.WaitVisible("#no-payouts"),
				chromedp.Navigate(f.srv.URL+"/earnings"),
				chromedp.WaitVisible("#payout-list"),
			))
			status, _ := chromedp.Run(ctx, chromedp.Text("#payout-list .status"))
			if !strings.HasPrefix(status, "paid on") || !strings.HasSuffix(status, "recorded by you as the only steward") {
				t.Errorf("/earnings says the payout is %q", status)
			}
			if balance, _ := chromedp.Run(ctx, chromedp.Text("#balance")); balance != "6.00 EUR" {
				t.Errorf("the balance after the payout: %q", balance)
			}
			fits("/earnings")
			t.Logf("paid: %s", browsertest.Screenshot(t, ctx, "payout-self-paid-"+size.name))
		})
	}
}
