package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDayWorker is a worker's day in the demo cooperative, on a laptop
// (Ada) and on a phone (Grace): they find a box project on /work with its
// client, purpose and pay, draw a box on the photo and submit it; the
// requester rejects it with a reason; the worker reads the news on the
// dashboard, finds the task in My tasks with the reason, sees their own
// box on the photo and appeals; a steward overturns the rejection and the
// work is paid; the worker reads the decision and the payment, sees the
// balance grow on the dashboard and on /earnings, and asks for a payout.
// Every page is checked for sideways scrolling and by axe-core.
func TestDayWorker(t *testing.T) {
	d := newDay(t, "worker")
	const slug, name = "day-battery", "Find the battery box"
	d.boxProject(slug, name, len(dayWidths), 1)
	workers := []string{"ada@example.org", "grace@example.org"}
	for i, size := range dayWidths {
		email := workers[i]
		d.at(size.width, size.height)
		d.signIn(email)
		d.here("dashboard")
		before := d.text("#balance")

		// Find work: the offer says who it is for, why, and what it pays.
		d.open("/work", "work")
		d.has("#project-"+slug, name, "Brickworks Robotics", "robot arm", "0.50")
		d.do("start a task", chromedp.Click("#start-"+slug, chromedp.NodeVisible), chromedp.WaitVisible("#annotator svg"))
		d.here("task")
		taskURL, _ := chromedp.Run(d.ctx, chromedp.Location())
		id, err := strconv.ParseInt(taskURL[strings.LastIndex(taskURL, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("the task's address %s", taskURL)
		}
		// Draw a box around the battery box on the photo and submit.
		d.do("see the photo", chromedp.ScrollIntoView("#annotator svg"))
		canvas{d.ctx}.drag(t, 150, 60, 330, 200)
		d.do("submit", chromedp.ScrollIntoView("#submit-task"), chromedp.Click("#submit-task"), chromedp.WaitVisible("#task-done"))
		if h := d.text("#task-done h2"); h != "Submitted" {
			t.Errorf("after submitting the task says %q", h)
		}
		if n := d.count("#task-done svg.work-overlay rect.work-shape"); n != 1 {
			t.Errorf("the submitted task shows %d boxes, want the one drawn", n)
		}
		d.here("submitted")

		// The requester rejects it, with a reason.
		reason := "The box leaves out the switch, which the instructions say to include."
		if out, err := d.site.app.Work.Reject(t.Context(), d.as("rita@example.org"), id, "instructions", reason); err != nil || out != "rejected" {
			t.Fatalf("the requester's rejection: %s %v", out, err)
		}

		// The dashboard says so; My tasks lists it with the reason.
		d.open("/dashboard", "dashboard-rejected")
		d.has("#notifications", "rejected", name)
		d.open("/tasks", "my-tasks-rejected")
		d.has("#my-tasks", "rejected", "switch")
		d.do("open the rejected task", chromedp.Click(fmt.Sprintf(`#my-tasks a[href="/tasks/%d#appeal-form"]`, id)), chromedp.WaitVisible("#appeal-form"))
		if h := d.text("#task-done h2"); h != "Rejected" {
			t.Errorf("the rejected task says %q", h)
		}
		if n := d.count("#task-done svg.work-overlay rect.work-shape"); n != 1 || !d.imageShown("#task-done") {
			t.Errorf("the rejected task shows %d boxes (want the worker's one) or no photo", n)
		}
		d.has("#reviews", "Rejected", "switch")
		d.here("rejected")
		d.do("appeal",
			chromedp.SendKeys("#appeal-text", "The switch is inside the box: the box reaches the right edge of the battery box."),
			chromedp.Click("#appeal"),
			chromedp.WaitNotPresent("#appeal-form"),
			chromedp.WaitVisible("#task-done"))
		if h := d.text("#task-done h2"); h != "Appealed" {
			t.Errorf("after the appeal the task says %q", h)
		}
		d.has("#reviews", "Appeal", "right edge")
		d.here("appealed")

		// A steward looks at the work and overturns the rejection.
		if err := d.site.app.Work.Decide(t.Context(), d.as("stella@example.org"), id, false, "The switch is inside the box; the rejection does not hold."); err != nil {
			t.Fatal(err)
		}

		// The worker reads the decision and the payment.
		d.open("/dashboard", "dashboard-paid")
		d.has("#notifications", "overturned", "paid")
		// Newest first: the ruling and its payment before the news of the
		// morning's new work.
		if first := d.text("#notifications li"); !strings.Contains(first, "overturned") && !strings.Contains(first, "paid") {
			t.Errorf("the newest news item is %q, want the ruling or its payment", first)
		}
		after := d.text("#balance")
		if after == before || !strings.HasSuffix(after, " EUR") {
			t.Errorf("the balance was %q and is %q after the task was paid", before, after)
		}
		d.open(fmt.Sprintf("/tasks/%d", id), "task-paid")
		if h := d.text("#task-done h2"); h != "Submitted and paid" {
			t.Errorf("the overturned task says %q", h)
		}
		d.has("#reviews", "overturned", "does not hold")
		d.open("/tasks?state=paid", "")
		d.has("#my-tasks", slug+"-photo", "paid", "0.50")

		// The balance on /earnings is the dashboard's; ask for a payout.
		d.open("/earnings", "earnings")
		if got := d.text("#balance"); got != after {
			t.Errorf("/earnings shows the balance %q, the dashboard %q", got, after)
		}
		d.has("#income-table", "0.50")
		d.do("ask for a payout",
			chromedp.SetValue("#payout-amount", "0.50"),
			chromedp.Click("#ask-payout"),
			chromedp.WaitVisible("#payout-waiting"))
		d.has("#payout-list", "0.50 EUR", "waiting for a steward")
		d.here("payout-asked")
		d.signOut()
	}
}
