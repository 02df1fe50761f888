package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/reward"
)

// TestDayCurator is a curator's day in the demo cooperative, on a laptop
// and on a phone: Ada contributes a record through the datanet's page and
// is told it waits for a curator; Rita, who created the curated datanet,
// opens its queue,
// accepts the oldest record (its contributor is paid once) and rejects the
// next with a reason; the contributor of the rejected one reads the reason
// and the validation score on their contributions page and appeals; a
// steward rules on the appeal (overturning on the laptop, upholding on the
// phone); Rita cuts a version and reads what it added since the last.
func TestDayCurator(t *testing.T) { eachDay(t, "curator", dayCurator) }

// dayCurator is TestDayCurator on one dialect.
func dayCurator(t *testing.T, d *day) {
	ctx := t.Context()
	a := d.site.app
	slug := demo.CuratedDatanet
	balance := func(email string) int64 {
		t.Helper()
		m, err := a.Members.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		b, err := a.Reward.Balance(ctx, reward.MemberAccount(m.PublicID))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// waiting is the oldest record in the queue page's list: its id and its
	// contributor's e-mail, from the demo's order.
	contributorOf := func(id string) string {
		t.Helper()
		for _, email := range []string{"grace@example.org", "linus@example.org"} {
			m, _ := a.Members.ByEmail(ctx, email)
			if _, err := a.Datanets.CurationOf(ctx, m.ID, id); err == nil {
				return email
			}
		}
		t.Fatalf("nobody contributed %s", id)
		return ""
	}
	for i, size := range dayWidths {
		d.at(size.width, size.height)

		// Ada contributes through the page: her record goes to the queue.
		d.signIn("ada@example.org")
		d.open("/datanets/"+slug, "")
		if i == 0 {
			d.do("agree", chromedp.WaitVisible("#grant"), chromedp.Click("#grant"))
		}
		d.do("contribute",
			chromedp.WaitVisible("#contribute-form"), // shown once the privacy module runs
			chromedp.SendKeys("#question", []string{"Must I clean the stairwell every week?", "Can I put a bicycle in the cellar?"}[i]),
			chromedp.SendKeys("#answer", []string{"Only if the lease or the house rules say so.", "Yes, if the cellar belongs to your flat."}[i]),
			chromedp.Click("#preview-button"),
			chromedp.WaitVisible("#check-button"),
			chromedp.Click("#check-button"),
			chromedp.WaitVisible("#preview-summary"),
			chromedp.WaitEnabled("#submit-button"))
		d.has("#preview-summary", "would go to the curator")
		d.here("contribute")
		d.do("send", chromedp.Click("#submit-button"), chromedp.WaitVisible("#waiting"))
		d.has("#waiting", "waits for a curator")
		d.signOut()

		d.signIn("rita@example.org")
		d.open("/datanets/"+slug, "datanet")
		d.has("#curated", "curated", "0.50 EUR")
		d.do("open the queue", chromedp.Click("#curator-queue"), chromedp.WaitVisible(".curation-item"))
		d.here("queue")
		waitingBefore := d.text("#queue-count")

		// Accept the oldest record: its contributor is paid 0.50 EUR.
		first := strings.TrimPrefix(d.attr(".curation-item", "id"), "waiting-")
		who := contributorOf(first)
		before := balance(who)
		d.do("accept", chromedp.Click("#waiting-"+first+" button.accept"), chromedp.WaitNotPresent("#waiting-"+first), chromedp.WaitVisible("#decided"))
		d.has("#decided", "accepted")
		if got := balance(who) - before; got != demo.CuratedReward {
			t.Errorf("at %d px the accepted record paid %d points, want %d", size.width, got, demo.CuratedReward)
		}
		if n := d.count("#waiting-" + first); n != 0 {
			t.Errorf("at %d px the accepted record still waits", size.width)
		}
		if d.text("#queue-count") == waitingBefore {
			t.Errorf("at %d px the queue still counts %s", size.width, waitingBefore)
		}

		// Reject the next with a reason: a reason that is too short is
		// refused first.
		second := strings.TrimPrefix(d.attr(".curation-item", "id"), "waiting-")
		rejected := contributorOf(second)
		d.do("reject without a reason", chromedp.Click("#waiting-"+second+" button.reject"), chromedp.WaitVisible("main .error"))
		d.has("main .error", "at least 10 characters")
		reason := "This answer is wrong for most leases: cite the clause that says so."
		d.do("reject with a reason",
			chromedp.SendKeys("#waiting-"+second+" textarea.reason", reason),
			chromedp.Click("#waiting-"+second+" button.reject"),
			chromedp.WaitNotPresent("#waiting-"+second),
			chromedp.WaitVisible("#decided"))
		d.has("#decided", "rejected")
		d.here("rejected")

		// The contributor reads the decision and the score, and appeals.
		d.signOut()
		d.signIn(rejected)
		d.open("/contributions", "contributions")
		row := "#contribution-" + second
		d.has(row, "rejected", reason, "decision 0.00", "Appeal")
		d.do("appeal",
			chromedp.Click(row+" details.appeal-form summary"),
			chromedp.SendKeys(row+` textarea[name="text"]`, "The lease says so in clause 4; the answer quotes it."),
			chromedp.Click(row+" details.appeal-form button"),
			chromedp.WaitVisible("#appealed"))
		d.has(row, "appealed", "Your appeal")
		d.here("appealed")

		// A steward rules.
		d.signOut()
		d.signIn("stella@example.org")
		d.open("/contributions/appeals", "appeals")
		d.has("#appeal-"+second, reason, "clause 4")
		ruling, want := "uphold", datanet.CurationUpheld
		if i == 0 {
			ruling, want = "overturn", datanet.CurationOverturned
		}
		before = balance(rejected)
		d.do("rule",
			chromedp.SendKeys("#appeal-"+second+` textarea[name="note"]`, "Read the lease and the answer again: ruled on the clause."),
			chromedp.Click("#appeal-"+second+` button[value="`+ruling+`"]`),
			chromedp.WaitVisible("#ruled"))
		d.has("#ruled", want)
		paid := balance(rejected) - before
		if (ruling == "overturn") != (paid == demo.CuratedReward) || (ruling == "uphold" && paid != 0) {
			t.Errorf("at %d px the %s paid %d points", size.width, ruling, paid)
		}

		// Rita cuts a version and reads its diff.
		d.signOut()
		d.signIn("rita@example.org")
		d.open("/datanets/"+slug, "")
		versions := func() int {
			t.Helper()
			list, err := a.Datanets.Versions(ctx, slug, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 {
				return 0
			}
			return list[0].Number
		}
		last := versions()
		d.do("cut a version", chromedp.Click("#make-version"), chromedp.WaitVisible("#versions"))
		for range 100 {
			if versions() > last {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		diff := fmt.Sprintf(`/datanets/%s/versions/%d/diff`, slug, last+1)
		d.open("/datanets/"+slug, "")
		d.do("open its diff", chromedp.Click(`#versions a[href="`+diff+`"]`), chromedp.WaitVisible("#diff-added"))
		d.has("main h1", fmt.Sprintf("version %d", last+1))
		d.has("#diff-added", first)
		if ruling == "overturn" {
			d.has("#diff-added", second)
		} else {
			d.lacks("#diff-added", second)
		}
		d.here("diff")
		d.signOut()
	}
}

// attr is an attribute of the first element sel inside <main>.
func (d *day) attr(sel, name string) string {
	d.t.Helper()
	v, err := chromedp.Run(d.ctx, chromedp.Evaluate[string](`(() => { const e = document.querySelector("main `+jsEscape(sel)+`"); return e ? (e.getAttribute("`+jsEscape(name)+`") || "") : ""; })()`))
	if err != nil || v == "" {
		d.t.Fatalf("at %d px no %s on %s: %v", d.width, name, sel, err)
	}
	return v
}
