package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// withBoxProject adds an approved box project of rita's with four
// images, whose rejections are held for a steward after the first.
func withBoxProject(t *testing.T, f *fixture) work.Project {
	t.Helper()
	ctx := t.Context()
	rita, err := f.app.Members.ByPublicID(ctx, f.ids["rita"])
	if err != nil {
		t.Fatal(err)
	}
	stella, err := f.app.Members.ByPublicID(ctx, f.ids["stella"])
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.app.Work.Create(ctx, rita, work.Project{Slug: "find-battery", Name: "Find the battery", Client: "Brickworks Robotics",
		Purpose: "Teach a robot arm to find the battery box.", Instructions: "Draw one tight box around the battery box; label cables as cable.",
		TaskType: work.BoundingBox, Labels: []string{"battery", "cable"}, PayPerTask: 50, EstSeconds: 30, Budget: 5000, Redundancy: 1, ReviewHours: 72})
	if err != nil {
		t.Fatal(err)
	}
	var items []work.NewItem
	for i := range 4 {
		img, err := os.Open(shareddata.Path(t, "coco/lego-battery/images/IMG20231010093441.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		defer img.Close()
		items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("photo-%d", i+1), Width: 512, Height: 256}, Image: img, MediaType: "image/jpeg"})
	}
	if err := f.app.Work.AddItems(ctx, p.ID, items); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Work.Approve(ctx, stella, p.Slug); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserDecisionsWithTheWorkInView is a worker's, a requester's and
// a steward's day around one held rejection, on a desktop and a phone
// screen: the worker's empty answer is refused only once they try to
// submit, they draw a box and submit, skip an item and return a task
// (both unpaid, listed in My tasks); the requester opens the submission
// from the project page and sees the box drawn on the image before
// rejecting it; the rejection is held, which the worker's dashboard and
// task page say and explain; the steward sees the same box on /reviews and
// overturns it, and the worker's task is paid. No page is wider than the
// screen.
func TestBrowserDecisionsWithTheWorkInView(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			withRequester(t, f)
			withBoxProject(t, f)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			fits := func(page string) {
				t.Helper()
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
					w, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
					t.Errorf("the %s page is %v px wide on the %d px screen", page, w, size.width)
				}
			}
			shot := func(name string) { t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, name+"-"+size.name)) }
			text := func(sel string) string {
				t.Helper()
				s, err := chromedp.Run(ctx, chromedp.Text(sel))
				if err != nil {
					t.Fatalf("%s: %v", sel, err)
				}
				return s
			}
			c := canvas{ctx}

			// The worker: nothing is said before they try to submit.
			signInBrowser(t, f, ctx, "ada", "/work")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#start-find-battery"), chromedp.Click("#start-find-battery"), chromedp.WaitVisible("#annotator svg")); err != nil {
				t.Fatal(err)
			}
			if s := text("#annotator .ann-status"); s != "" {
				t.Fatalf("before trying to submit the annotator says %q", s)
			}
			first, _ := chromedp.Run(ctx, chromedp.Location())
			if err := chromedp.Do(ctx, chromedp.ScrollIntoView("#submit-task"), chromedp.Click("#submit-task")); err != nil {
				t.Fatal(err)
			}
			if s := text("#annotator .ann-status"); !strings.Contains(s, "Draw at least a box") || !strings.Contains(s, "Nothing to label here") {
				t.Fatalf("after trying to submit nothing, the annotator says %q", s)
			}
			if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != first {
				t.Fatalf("an empty answer was sent: now at %s", loc)
			}
			fits("task")
			shot("task-refused")
			if err := chromedp.Do(ctx, chromedp.ScrollIntoView("#annotator svg")); err != nil {
				t.Fatal(err)
			}
			c.drag(t, 150, 60, 330, 200)
			if err := chromedp.Do(ctx, chromedp.Click("#submit-task"), chromedp.WaitVisible("#task-done")); err != nil {
				t.Fatal(err)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#task-done svg.work-overlay rect.work-shape").length`)); n != 1 {
				t.Fatalf("the worker's own submitted task shows %d boxes", n)
			}
			taskURL := strings.TrimPrefix(first, f.srv.URL)

			// Skip the next item, return the one after: both unpaid, both
			// listed, and the time is unpaid time.
			for _, btn := range []string{"#skip-task", "#return-task"} {
				if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/work"), chromedp.WaitVisible("#start-find-battery"), chromedp.Click("#start-find-battery"), chromedp.WaitVisible(btn)); err != nil {
					t.Fatal(err)
				}
				if btn == "#skip-task" {
					fits("task")
					shot("task-give-back")
				}
				if err := chromedp.Do(ctx, chromedp.Click(btn), chromedp.WaitVisible("#offers")); err != nil {
					t.Fatal(err)
				}
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/tasks"), chromedp.WaitVisible("#my-tasks")); err != nil {
				t.Fatal(err)
			}
			mine := text("#my-tasks")
			for _, want := range []string{"skipped", "returned", "submitted", "photo-1"} {
				if !strings.Contains(mine, want) {
					t.Fatalf("My tasks lacks %q: %q", want, mine)
				}
			}
			fits("my tasks")
			shot("my-tasks")
			var unpaid int64
			f.app.DB.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM unpaid_time WHERE kind IN ('skipped', 'returned')`).Scan(&unpaid)
			if unpaid != 2 {
				t.Fatalf("%d kinds of unpaid time recorded for the skip and the return, want 2", unpaid)
			}
			signOutBrowser(t, ctx)

			// The requester sees the box drawn before rejecting.
			signInBrowser(t, f, ctx, "rita", "/projects/find-battery")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#submissions")); err != nil {
				t.Fatal(err)
			}
			if s := text("#submissions"); !strings.Contains(s, "1 box: battery") || strings.Contains(s, `"boxes"`) {
				t.Fatalf("the submissions read %q", s)
			}
			if err := chromedp.Do(ctx, chromedp.Click("#submissions a.see-work"), chromedp.WaitVisible("#reject-form")); err != nil {
				t.Fatal(err)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.work-overlay rect.work-shape.lbl-0").length`)); n != 1 {
				t.Fatalf("the requester sees %d battery boxes on the image", n)
			}
			if s := text("#work-answer"); !strings.Contains(s, "1 box") || !strings.Contains(s, "battery") {
				t.Fatalf("the answer reads %q", s)
			}
			fits("requester's task")
			shot("requester-case")
			err := chromedp.Do(ctx,
				chromedp.SendKeys("#reject-reason", "The box includes the cable, which the instructions say to label as cable."),
				chromedp.Click("#reject"), chromedp.WaitVisible("#reviews"))
			if err != nil {
				t.Fatal(err)
			}
			if h := text("#task-done h2"); h != "Held for a steward" {
				t.Fatalf("after rejecting, the requester reads %q", h)
			}
			signOutBrowser(t, ctx)

			// The worker's dashboard says so; the task explains "held".
			signInBrowser(t, f, ctx, "ada", "/dashboard")
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#notifications")); err != nil {
				t.Fatal(err)
			}
			if s := text("#notifications"); !strings.Contains(s, "held") || !strings.Contains(s, "Find the battery") {
				t.Fatalf("the dashboard's news: %q", s)
			}
			// The dashboard's own tables are another change's; its news
			// panel must fit.
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("notifications").getBoundingClientRect().right <= window.innerWidth`)); !ok {
				t.Errorf("the news panel is wider than the %d px screen", size.width)
			}
			shot("dashboard-news")
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+taskURL), chromedp.WaitVisible("#task-state")); err != nil {
				t.Fatal(err)
			}
			if s := text("#task-state"); !strings.Contains(s, "Held") || !strings.Contains(s, "steward") {
				t.Fatalf("held is not explained: %q", s)
			}
			if s := text("#reviews"); !strings.Contains(s, "label as cable") {
				t.Fatalf("the reason is not shown: %q", s)
			}
			fits("held task")
			shot("worker-held")
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible("#notices-read"), chromedp.Click("#notices-read"), chromedp.WaitVisible("#notifications .empty")); err != nil {
				t.Fatal(err)
			}
			signOutBrowser(t, ctx)

			// The steward sees the same work on the queue, and overturns.
			signInBrowser(t, f, ctx, "stella", "/reviews")
			if err := chromedp.Do(ctx, chromedp.WaitVisible(".review-item")); err != nil {
				t.Fatal(err)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".review-item svg.work-overlay rect.work-shape").length`)); n != 1 {
				t.Fatalf("the steward sees %d boxes", n)
			}
			if href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".review-item svg.work-overlay image").getAttribute("href")`)); !strings.HasPrefix(href, "/items/") {
				t.Fatalf("the image is %q", href)
			}
			fits("reviews")
			shot("steward-reviews")
			err = chromedp.Do(ctx,
				chromedp.SendKeys(`.review-item input[name=note]`, "The box is around the battery box; the cable is outside it."),
				chromedp.Click(`.review-item button[value=overturn]`),
				chromedp.WaitNotPresent(".review-item"))
			if err != nil {
				t.Fatal(err)
			}
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "ada", "/tasks?state=paid")
			wait, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(wait, chromedp.WaitVisible("#my-tasks")); err != nil {
				t.Fatal(err)
			}
			if s := text("#my-tasks"); !strings.Contains(s, "photo-1") || !strings.Contains(s, "paid") {
				t.Fatalf("paid tasks: %q", s)
			}

			// An image with nothing to label is answered as such, on purpose.
			err = chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/work"), chromedp.WaitVisible("#start-find-battery"), chromedp.Click("#start-find-battery"),
				chromedp.WaitVisible("#annotator svg"), chromedp.ScrollIntoView("#nothing-here"), chromedp.Click("#nothing-here"),
				chromedp.Click("#submit-task"), chromedp.WaitVisible("#task-done"))
			if err != nil {
				t.Fatal(err)
			}
			if s := text("#work-answer"); !strings.Contains(s, "Nothing to label here") {
				t.Fatalf("an empty answer reads %q", s)
			}
		})
	}
}

// TestBrowserPairwiseCase: the requester reads a pairwise answer as the
// two texts side by side (one above the other on a phone), the chosen one
// marked, with the worker's reason; no page is wider than the screen.
func TestBrowserPairwiseCase(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"better","name":"Which answer is better","client":"Chat Co",
			"purpose":"train a helpful assistant","instructions":"Pick the answer that is correct and polite.","task_type":"pairwise","pay_per_task":30,"est_seconds":40,
			"budget":5000,"review_hours":72,"redundancy":1}`},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/better/items", contentType: "application/x-ndjson", status: 201,
			body: "{\"a\":\"Paris is the capital of France, and has been since the tenth century.\",\"b\":\"The capital of France is Lyon, a city on the Rhône.\"}\n"},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/better/approve", status: 200},
	})
	resp := f.do("ada", "POST", "/api/v1/projects/better/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if err := json.Unmarshal([]byte(readBody(t, resp)), &task); err != nil || task.ID == 0 {
		t.Fatalf("next: %d, %v", resp.StatusCode, err)
	}
	id := fmt.Sprint(task.ID)
	runScenarios(t, f, []scenario{
		{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + id + "/submit", status: 200, body: `{"choice":"a","reason":"B names Lyon, which is not the capital."}`},
	})
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, ctx, "rita", "/tasks/"+id)
			if err := chromedp.Do(ctx, chromedp.WaitVisible("#work-a")); err != nil {
				t.Fatal(err)
			}
			chosen, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("work-a").classList.contains("chosen") && !document.getElementById("work-b").classList.contains("chosen")`))
			if !chosen {
				t.Fatal("A is not marked as the chosen answer")
			}
			if s, _ := chromedp.Run(ctx, chromedp.Text("#work-answer")); !strings.Contains(s, "Chose A") || !strings.Contains(s, "not the capital") {
				t.Fatalf("the answer reads %q", s)
			}
			stacked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("work-b").getBoundingClientRect().top > document.getElementById("work-a").getBoundingClientRect().bottom`))
			if stacked != (size.name == "phone") {
				t.Errorf("on the %s the texts are stacked: %v", size.name, stacked)
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
				t.Errorf("the page is wider than the %d px screen", size.width)
			}
			t.Logf("screenshot: %s", browsertest.Screenshot(t, ctx, "requester-pairwise-"+size.name))
		})
	}
}
