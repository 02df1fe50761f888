package web_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/work"
)

// TestDayStewardClearsTheQueue is a steward's day in the demo
// cooperative, on a laptop and on a phone: the dashboard's queue lists a
// draft project, a held rejection, an appeal, a recording and a payout
// request, each linking to where it is decided; Stella approves the
// project after reading its page, decides the held work and the appeal
// with the photo and the boxes in view, verifies the recording after
// reading its steps and records the payout as paid. Then the queue says
// nothing is waiting, and the payout is an entry of the public log — with
// the member's pseudonym and the amount, no name.
func TestDayStewardClearsTheQueue(t *testing.T) {
	d := newDay(t, "steward")
	d.publishLedger()
	ctx := t.Context()
	a := d.site.app
	rita, ada, grace := d.as("rita@example.org"), d.as("ada@example.org"), d.as("grace@example.org")
	recording, err := os.ReadFile("../recording/testdata/chrome_search.json")
	if err != nil {
		t.Fatal(err)
	}
	box := `{"boxes":[{"label":"battery","x":150,"y":60,"w":180,"h":140}]}`
	var payouts []int64
	for _, size := range dayWidths {
		// What waits for a steward this morning: Rita's draft, a rejection
		// of Ada's work held (Rita may reject none without a steward), an
		// appeal of Grace's against a rejection, a recording of Ada's the
		// checks could not judge, and a payout Ada asked for.
		draft := "day-draft-" + size.name
		if _, err := a.Work.Create(ctx, rita, work.Project{Slug: draft, Name: "Shelf photos " + size.name, Client: "Brickworks Robotics (demo client)",
			Purpose: "Count the boxes on a shelf.", Instructions: "Draw a box around every box.", TaskType: work.BoundingBox, Labels: []string{"box"},
			PayPerTask: 40, EstSeconds: 30, Budget: 2000, Redundancy: 1, ReviewHours: 72}); err != nil {
			t.Fatal(err)
		}
		strict, lenient := "day-strict-"+size.name, "day-lenient-"+size.name
		d.boxProject(strict, "Strict batteries "+size.name, 1, 0)
		d.boxProject(lenient, "Lenient batteries "+size.name, 1, 1)
		held := d.answer("ada@example.org", strict, box)
		if out, err := a.Work.Reject(ctx, rita, held, work.RejectInstructions, "The box is too loose around the battery box."); err != nil || out != "review" {
			t.Fatalf("the held rejection: %s %v", out, err)
		}
		appealed := d.answer("grace@example.org", lenient, box)
		if _, err := a.Work.Reject(ctx, rita, appealed, work.RejectInstructions, "The box leaves out the switch of the battery box."); err != nil {
			t.Fatal(err)
		}
		if err := a.Work.Appeal(ctx, grace, appealed, "The switch is inside my box, at its right edge."); err != nil {
			t.Fatal(err)
		}
		rec, err := a.Actions.Upload(ctx, ada, recording, "")
		if err != nil || rec.Status != action.Review {
			t.Fatalf("the recording: %+v %v", rec, err)
		}
		p, err := a.Reward.RequestPayout(ctx, ada, ada.PublicID, 10)
		if err != nil {
			t.Fatal(err)
		}
		payouts = append(payouts, p.ID)

		d.at(size.width, size.height)
		d.signIn("stella@example.org")
		d.here("queue")
		if n := d.text("#queue-total"); n != "5" {
			t.Errorf("the queue counts %s, want 5", n)
		}
		d.has("#steward-queue", "Draft projects to approve (1)", "Shelf photos "+size.name, "Held rejections to decide (1)",
			"in Strict batteries "+size.name, "Appeals to decide (1)", "in Lenient batteries "+size.name, "Recordings to review (1)", "Payout requests to record as paid (1)", "0.10 EUR")
		d.lacks("#steward-queue", "escrow:", "bounding_box", "day-strict", "day-lenient")

		// The draft: its page says what workers will do, and approving it
		// funds the escrow.
		d.do("open the draft", chromedp.Click(`#queue-drafts a[href="/projects/`+draft+`"]`), chromedp.WaitVisible("#draft-notice"))
		d.has("#project-task", "box")
		d.here("draft")
		d.do("approve", chromedp.Click("#approve"), chromedp.WaitNotPresent("#draft-notice"))
		d.here("")

		// The held rejection, decided with the photo and the box in view.
		d.open("/dashboard", "")
		sel := fmt.Sprintf("#review-%d", held)
		d.do("open the held work", chromedp.Click(fmt.Sprintf(`#queue-held a[href="/reviews#review-%d"]`, held)), chromedp.WaitVisible(sel))
		if n := d.count(sel + " svg.work-overlay rect.work-shape"); n != 1 || !d.imageShown(sel) {
			t.Errorf("the held work shows %d boxes (want 1), or no photo", n)
		}
		d.has(sel, "held", "too loose")
		d.here("reviews")
		d.do("overturn the held rejection",
			chromedp.SendKeys(sel+` input[name="note"]`, "The box fits the battery box closely enough for the instructions."),
			chromedp.Click(sel+` button[value="overturn"]`),
			chromedp.WaitNotPresent(sel))

		// The appeal, from its own task page.
		d.open("/dashboard", "")
		sel = fmt.Sprintf("#review-%d", appealed)
		d.do("open the appeal", chromedp.Click(fmt.Sprintf(`#queue-appeals a[href="/reviews#review-%d"]`, appealed)), chromedp.WaitVisible(sel))
		d.do("open the appealed task", chromedp.Click(fmt.Sprintf(`%s h3 a[href="/tasks/%d"]`, sel, appealed)), chromedp.WaitVisible("#decide-form"))
		if n := d.count("#task-done svg.work-overlay rect.work-shape"); n != 1 || !d.imageShown("#task-done") {
			t.Errorf("the appealed task shows %d boxes (want 1), or no photo", n)
		}
		d.has("#reviews", "leaves out the switch", "right edge")
		d.here("appeal")
		d.do("overturn the appeal",
			chromedp.SendKeys("#decide-note", "The switch is inside the box: the worker followed the instructions."),
			chromedp.Click("#overturn"),
			chromedp.WaitVisible("#pay-floor"))
		if n := d.count(sel); n != 0 {
			t.Errorf("the decided appeal is still on /reviews")
		}
		d.open(fmt.Sprintf("/tasks/%d", appealed), "")
		d.has("#reviews", "overturned", "followed the instructions")
		if s, err := a.Work.Task(ctx, grace.ID, appealed); err != nil || s.Status != "paid" {
			t.Errorf("the overturned appeal is %q (%v), want paid", s.Status, err)
		}

		// The recording, verified after reading its steps.
		d.open("/dashboard", "")
		d.do("open the recording", chromedp.Click(`#queue-recordings a[href="/recordings/`+rec.ID+`"]`), chromedp.WaitVisible("#recording-decide"))
		if n := d.count("#steps tbody tr"); n < 2 {
			t.Errorf("the recording's page shows %d steps", n)
		}
		d.has("#recording-state", "Waiting for a steward")
		d.here("recording")
		d.do("verify the recording", chromedp.Click(`#recording-decide button[value="verified"]`), chromedp.WaitNotPresent("#recording-decide"))

		// The payout, recorded as paid.
		d.open("/dashboard", "")
		d.do("open the payouts", chromedp.Click("#queue-payouts a"), chromedp.WaitVisible("#pending-payouts"))
		d.has("#pending-payouts", "0.10 EUR", ada.PublicID)
		d.here("payouts")
		d.confirmAll()
		d.do("record the payout as paid", chromedp.Click(fmt.Sprintf("#record-paid-%d", p.ID)), chromedp.WaitVisible("#no-payouts"))

		// Nothing is waiting any more.
		d.open("/dashboard", "queue-empty")
		if n := d.text("#queue-total"); n != "0" {
			t.Errorf("after clearing it the queue counts %s", n)
		}
		d.has("#queue-empty", "Nothing is waiting")
		d.signOut()
	}

	// The payouts are in the public log: the member's pseudonym and the
	// amount, and no name.
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := paidOutInLog(t, d, ada.PublicID, 10)
		if err == nil && n == len(payouts) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute the log holds %d of the %d payouts (%v)", n, len(payouts), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Ada finds both payouts among her events on /audit, each with its
	// index in the log.
	d.at(390, 844)
	d.signIn("ada@example.org")
	d.open("/audit", "audit-member")
	size, err := strconv.Atoi(d.text("#log-size"))
	if err != nil || size < 2 {
		t.Errorf("/audit shows a log of %d entries (%v)", size, err)
	}
	logged, err := chromedp.Run(d.ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("main #my-events tbody tr")].filter(r =>
	  r.querySelector(".event-type")?.textContent === "Paid out" && r.querySelector(".log-index")).length`))
	if err != nil || logged != len(payouts) {
		t.Errorf("Ada's /audit lists %d logged payouts (%v), want %d", logged, err, len(payouts))
	}
}

// paidOutInLog verifies the public log from the outside, as an auditor
// would, and counts the payout entries that pay amount out of member's
// account. It fails the test if one names a person.
func paidOutInLog(t *testing.T, d *day, member string, amount int64) (int, error) {
	t.Helper()
	c, err := client.New(d.url("/log/"), d.site.app.Log.VerifierKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err = c.Verify(ctx, client.VerifyOptions{Audit: true, EachEntry: func(_ uint64, raw []byte) error {
		e, err := ledger.ParseEntry(raw)
		if err != nil || e.Type != ledger.PayoutPaid {
			return err
		}
		for _, name := range []string{"Ada", "ada@example.org"} {
			if strings.Contains(string(raw), name) {
				t.Errorf("the log's payout entry names %q: %s", name, raw)
			}
		}
		for _, p := range e.Postings {
			if p.Account == reward.MemberAccount(member) && p.Amount == -amount {
				found++
			}
		}
		return nil
	}})
	return found, err
}
