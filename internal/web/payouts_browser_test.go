package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserPayout: at 1280 and 390 px, a member sees their balance on
// the dashboard, asks for a payout on /earnings (after a mistake the form
// explains), a steward records it paid on /payouts, and the member sees
// it paid and the balance lower. No page is wider than the screen.
func TestBrowserPayout(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	fits := `document.documentElement.scrollWidth <= window.innerWidth`
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			paidEverywhere(t, f)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			text := func(sel string) string {
				t.Helper()
				s, err := chromedp.Run(ctx, chromedp.Text(sel))
				if err != nil {
					t.Fatalf("%s: %v", sel, err)
				}
				return strings.TrimSpace(s)
			}
			wide := func(page string) {
				t.Helper()
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
					t.Errorf("%s is wider than the %d px screen", page, size.width)
				}
			}
			signInBrowser(t, f, ctx, "ada", "/dashboard")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#balance")); err != nil {
				t.Fatal(err)
			}
			before := text("#balance")
			if !strings.HasSuffix(before, " EUR") {
				t.Fatalf("the dashboard's balance reads %q", before)
			}
			// The dashboard's other blocks are another change's; the money
			// block itself must fit.
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#earnings").getBoundingClientRect().right <= window.innerWidth`)); !ok {
				t.Errorf("the dashboard's earnings block is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "payout-dashboard-"+size.name)
			if err := chromedp.Do(ctx,
				chromedp.Click("#payout-link"),
				chromedp.WaitVisible("#payout-amount"),
			); err != nil {
				t.Fatal(err)
			}
			if got := text("#balance"); got != before {
				t.Fatalf("/earnings shows the balance as %q, the dashboard as %q", got, before)
			}
			// Too much first: the form says so and keeps the amount.
			if err := chromedp.Do(ctx,
				chromedp.SetValue("#payout-amount", "100000"),
				chromedp.Click("#ask-payout"),
				chromedp.WaitVisible("#amount-error"),
			); err != nil {
				t.Fatal(err)
			}
			if got := text("#amount-error"); !strings.Contains(got, "more than your balance") {
				t.Fatalf("the form says %q", got)
			}
			if err := chromedp.Do(ctx,
				chromedp.SetValue("#payout-amount", "1.00"),
				chromedp.Click("#ask-payout"),
				chromedp.WaitVisible("#payout-waiting"),
			); err != nil {
				t.Fatal(err)
			}
			if got := text("#payout-list .status"); got != "waiting for a steward" {
				t.Fatalf("the request is %q", got)
			}
			wide("/earnings")
			browsertest.Screenshot(t, ctx, "payout-asked-"+size.name)
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "stella", "/dashboard")
			if err := chromedp.Do(ctx,
				chromedp.WaitVisible("#payouts-waiting"),
				chromedp.Click("#payouts-waiting"),
				chromedp.WaitVisible("#pending-payouts"),
			); err != nil {
				t.Fatal(err)
			}
			if got := text("#pending-payouts .amount"); got != "1.00 EUR" {
				t.Fatalf("the stewards' page shows %q", got)
			}
			wide("/payouts")
			browsertest.Screenshot(t, ctx, "payout-queue-"+size.name)
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx,
				chromedp.Click("#pending-payouts button"),
				chromedp.WaitVisible("#no-payouts"),
			); err != nil {
				t.Fatal(err)
			}
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "ada", "/earnings")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#payout-list")); err != nil {
				t.Fatal(err)
			}
			if got := text("#payout-list .status"); !strings.HasPrefix(got, "paid on") {
				t.Fatalf("the request is %q after the steward paid it", got)
			}
			after := text("#balance")
			if after == before {
				t.Fatalf("the balance is still %q", after)
			}
			wide("/earnings")
			browsertest.Screenshot(t, ctx, "payout-paid-"+size.name)

			// The same money on /shares; a page she may not see says so in a
			// sentence.
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/shares"), chromedp.WaitVisible("#pending")); err != nil {
				t.Fatal(err)
			}
			if got := text("#pending"); !strings.HasSuffix(got, " EUR") {
				t.Fatalf("/shares shows %q earned", got)
			}
			wide("/shares")
			browsertest.Screenshot(t, ctx, "payout-shares-"+size.name)
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/payouts"), chromedp.WaitVisible("#error-heading")); err != nil {
				t.Fatal(err)
			}
			if got := text("#error-heading"); got != "You are not allowed to do this" {
				t.Fatalf("the error page's heading is %q", got)
			}
			browsertest.Screenshot(t, ctx, "payout-forbidden-"+size.name)
		})
	}
}
