package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// stewardQueueFixture fills the stewards' queue with one of each kind: a
// draft project, a rejection held because the requester rejected more
// than the project allows, an appeal against a rejection, and a recording
// without behavioural evidence waiting for review. It returns the held and
// appealed tasks and the recording.
func stewardQueueFixture(t *testing.T, f *fixture) (held, appealed int64, rec string) {
	t.Helper()
	ctx := t.Context()
	withRequester(t, f)
	fundTreasury(t, f, 10000)
	as := func(name string) member.Member {
		m, err := f.app.Members.ByPublicID(ctx, f.ids[name])
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	rita, stella := as("rita"), as("stella")
	project := func(slug string, share float64, approve bool) {
		p, err := f.app.Work.Create(ctx, rita, work.Project{Slug: slug, Name: "Reviews " + slug, Client: "Shop Co", Purpose: "rank reviews",
			Instructions: "Positive or negative?", TaskType: work.TextClassification, Labels: []string{"positive", "negative"},
			PayPerTask: 20, EstSeconds: 30, Budget: 2000, ReviewHours: 72, MaxRejectShare: share, Redundancy: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.app.Work.AddItems(ctx, p.ID, []work.NewItem{{Item: work.Item{Name: "r1", Text: "Lovely shop, slow delivery."}}}); err != nil {
			t.Fatal(err)
		}
		if approve {
			if err := f.app.Work.Approve(ctx, stella, slug); err != nil {
				t.Fatal(err)
			}
		}
	}
	project("new-reviews", 0.1, false)
	project("lenient", 1, true)
	project("strict", 0.1, true)
	answer := func(worker, slug, label string) int64 {
		m := as(worker)
		a, err := f.app.Work.Next(ctx, m.ID, slug)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Work.Submit(ctx, m.ID, a.ID, []byte(`{"label":"`+label+`"}`)); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	appealed, held = answer("ada", "lenient", "positive"), answer("bob", "strict", "negative")
	if _, err := f.app.Work.Reject(ctx, rita, appealed, work.RejectInstructions, "The review complains about the delivery."); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Work.Appeal(ctx, as("ada"), appealed, "It calls the shop lovely; the delivery is a detail."); err != nil {
		t.Fatal(err)
	}
	if out, err := f.app.Work.Reject(ctx, rita, held, work.RejectInstructions, "The review is mixed, and that is not negative."); err != nil || out != "review" {
		t.Fatalf("held: %s %v", out, err)
	}
	raw, err := os.ReadFile("../recording/testdata/chrome_search.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.app.Actions.Upload(ctx, as("ada"), raw, "")
	if err != nil || r.Status != action.Review {
		t.Fatalf("recording: %+v %v", r, err)
	}
	return held, appealed, r.ID
}

// TestBrowserStewardQueue: at a desktop's width and a phone's, a steward's
// dashboard lists everything waiting for them — a draft project, held
// work, an appeal, a recording — each linking to where it is decided,
// and the steward clears the queue from it: approves the project,
// overturns the held rejection, upholds the appeal, verifies the
// recording. Then the queue says nothing is waiting. Members see no
// queue.
func TestBrowserStewardQueue(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	// The queue itself fits the screen; the rest of the dashboard (its
	// table of open work) is another change's.
	fits := `(q => q.getBoundingClientRect().right <= window.innerWidth && q.scrollWidth <= q.clientWidth)(document.getElementById("steward-queue"))`
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			held, appealed, rec := stewardQueueFixture(t, f)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			wait, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					page, _ := chromedp.Run(ctx, chromedp.Text("main"))
					t.Fatalf("%s: %v\n%s", what, err, page)
				}
			}
			total := func() string {
				t.Helper()
				check("dashboard", chromedp.Do(wait, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible("#steward-queue")))
				n, _ := chromedp.Run(ctx, chromedp.Text("#queue-total"))
				return n
			}

			signInBrowser(t, f, ctx, "ada", "/dashboard")
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#steward-queue").length`)); n != 0 {
				t.Error("a member's dashboard shows the stewards' queue")
			}
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "stella", "/dashboard")
			if n := total(); n != "4" {
				t.Errorf("the queue counts %s, want 4", n)
			}
			queue, _ := chromedp.Run(ctx, chromedp.Text("#steward-queue"))
			for _, want := range []string{"Draft projects to approve (1)", "Reviews new-reviews", "Held rejections to decide (1)", fmt.Sprintf("Task %d in Reviews strict", held),
				"Appeals to decide (1)", fmt.Sprintf("Task %d in Reviews lenient", appealed), "Recordings to review (1)"} {
				if !strings.Contains(queue, want) {
					t.Errorf("the queue lacks %q: %s", want, queue)
				}
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the queue is wider than the %d px screen", size.width)
			}
			t.Logf("queue: %s", browsertest.Screenshot(t, ctx, "steward-queue-"+size.name))

			check("approve the draft", chromedp.Do(wait,
				chromedp.Click(`#queue-drafts a[href="/projects/new-reviews"]`),
				chromedp.WaitVisible("#draft-notice"),
				chromedp.Click("#approve"),
				chromedp.WaitNotPresent("#draft-notice"),
			))
			if n := total(); n != "3" {
				t.Errorf("after the approval the queue counts %s, want 3", n)
			}
			check("overturn the held rejection", chromedp.Do(wait,
				chromedp.Click(fmt.Sprintf(`#queue-held a[href="/reviews#review-%d"]`, held)),
				chromedp.WaitVisible(fmt.Sprintf("#review-%d", held)),
				chromedp.SendKeys(fmt.Sprintf(`#review-%d input[name="note"]`, held), "A mixed review was allowed by the instructions."),
				chromedp.Click(fmt.Sprintf(`#review-%d button[value="overturn"]`, held)),
				chromedp.WaitNotPresent(fmt.Sprintf("#review-%d", held)),
			))
			check("uphold the appeal", chromedp.Do(wait,
				chromedp.Navigate(f.srv.URL+"/dashboard"),
				chromedp.Click(fmt.Sprintf(`#queue-appeals a[href="/reviews#review-%d"]`, appealed)),
				chromedp.WaitVisible(fmt.Sprintf("#review-%d", appealed)),
				chromedp.SendKeys(fmt.Sprintf(`#review-%d input[name="note"]`, appealed), "The delivery complaint makes it negative overall."),
				chromedp.Click(fmt.Sprintf(`#review-%d button[value="uphold"]`, appealed)),
				chromedp.WaitNotPresent(fmt.Sprintf("#review-%d", appealed)),
			))
			if n := total(); n != "1" {
				t.Errorf("after the two decisions the queue counts %s, want 1", n)
			}
			check("verify the recording", chromedp.Do(wait,
				chromedp.Click(fmt.Sprintf(`#queue-recordings a[href="/recordings/%s"]`, rec)),
				chromedp.WaitVisible("#status"),
				chromedp.Navigate(f.srv.URL+"/reviews"),
				chromedp.WaitVisible("#recording-review-"+rec),
				chromedp.Click(fmt.Sprintf(`#recording-review-%s button[value="verified"]`, rec)),
				chromedp.WaitNotPresent("#recording-review-"+rec),
			))
			if n := total(); n != "0" {
				t.Errorf("after clearing it the queue counts %s, want 0", n)
			}
			check("an empty queue", chromedp.Do(wait, chromedp.WaitVisible("#queue-empty")))
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the queue is wider than the %d px screen", size.width)
			}
			t.Logf("cleared: %s", browsertest.Screenshot(t, ctx, "steward-queue-cleared-"+size.name))
		})
	}
}
