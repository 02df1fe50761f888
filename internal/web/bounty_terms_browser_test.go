package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBountyTermsBrowser: at 1280 and 390 px, the new-bounty form with
// its choice of who verifies, the task's end and the paying account, the
// funder's queue of waiting claims and the open bounties inline on the
// datanet's and the recordings pages fit the screen and have no serious
// axe-core findings; with ALLMENDE_SCREENSHOTS set each is photographed.
// The funder rejects bob's claim in the browser, with a reason.
func TestBountyTermsBrowser(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	ctx := t.Context()
	giveBalance(t, f, "ada", 2000)
	ada := mustMember(t, f, "ada")
	deadline := time.Now().Add(5 * 24 * time.Hour)
	b, err := f.app.Bounties.Create(ctx, ada, bounty.Terms{Kind: bounty.Recordings, Title: "Parcel tracking, start to status", Terms: "Look up a parcel on the practice tracker and stop at its status.",
		Site: "/practice/parcel", End: "/practice/parcel", Verify: bounty.VerifyApproval, Reward: 150, CapPerMember: 2, Budget: 1000, Deadline: deadline, FromBalance: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.Bounties.Create(ctx, mustMember(t, f, "stella"), bounty.Terms{Kind: bounty.Records, Title: "Answers about deposits", Terms: "Accepted answers about deposits.",
		Datanet: "tenancy", Reward: 50, CapPerMember: 5, Budget: 1000, Deadline: deadline}); err != nil {
		t.Fatal(err)
	}
	r, err := f.app.Actions.Upload(ctx, mustMember(t, f, "bob"), []byte(parcelRecording(t, f.srv.URL, behavior.SynthHuman(behavior.SynthPeople(3, 1)[0], behavior.SynthNewTask(5), 5))), "")
	if err != nil || r.Status != action.Verified {
		t.Fatalf("bob's recording: %+v %v", r, err)
	}
	if _, err := f.app.Bounties.Claim(ctx, mustMember(t, f, "bob"), b.ID, r.ID); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t)
	if err := chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+"/signin"), chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", "ada@example.org"), chromedp.SendKeys("#password", password), chromedp.Submit("#signin-form"), chromedp.WaitVisible("#earnings")); err != nil {
		t.Fatal(err)
	}
	bountyPage := fmt.Sprintf("/bounties/%d", b.ID)
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ path, wait string }{
			{"/bounties/new", "#verify"}, {bountyPage, "#waiting-claims"}, {"/datanets/tenancy", "#open-bounty-list"}, {"/recordings", "#open-bounty-list"},
		} {
			if err := chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+p.path), chromedp.WaitVisible(p.wait)); err != nil {
				t.Fatalf("%s at %d px: %v", p.path, width, err)
			}
			sizes, err := chromedp.Run(bctx, chromedp.Evaluate[[2]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
			if err != nil || sizes[0] > sizes[1] {
				t.Errorf("%s at %d px is %d px wide in a window of %d (%v)", p.path, width, sizes[0], sizes[1], err)
			}
			for _, finding := range browsertest.Axe(t, bctx) {
				t.Errorf("%s at %d px: axe-core: %s", p.path, width, finding)
			}
			if os.Getenv("ALLMENDE_SCREENSHOTS") != "" {
				browsertest.Screenshot(t, bctx, fmt.Sprintf("bounty-terms%s-%d", strings.NewReplacer("/", "_").Replace(p.path), width))
			}
		}
	}
	// Reject bob's claim with a reason, in the browser.
	err = chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+bountyPage), chromedp.WaitVisible("#waiting-claims"),
		chromedp.SendKeys(`#waiting-claims input[name="reason"]`, "The status page is never reached."),
		chromedp.Click(`#waiting-claims button[value="reject"]`), chromedp.WaitVisible("#decided"))
	if err != nil {
		t.Fatalf("reject: %v", err)
	}
	if msg, err := chromedp.Run(bctx, chromedp.Text("#decided")); err != nil || !strings.Contains(msg, "rejected") {
		t.Fatalf("after the rejection: %q %v", msg, err)
	}
}
