package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// uploadDemo uploads a recording the recorder made of a practice task
// (internal/action's testdata) as name's, verified.
func uploadDemo(t *testing.T, f *fixture, name, file string) action.Recording {
	t.Helper()
	raw, err := os.ReadFile("../action/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.app.Members.ByPublicID(t.Context(), f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.app.Actions.Upload(t.Context(), m, raw, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == action.Review {
		stella, _ := f.app.Members.ByPublicID(t.Context(), f.ids["stella"])
		if r, err = f.app.Actions.Decide(t.Context(), stella, r.ID, true, "a person did it"); err != nil {
			t.Fatal(err)
		}
	}
	if r.Status != action.Verified {
		t.Fatalf("%s's %s is %s: %v", name, file, r.Status, r.Reasons)
	}
	return r
}

// TestBrowserLearnedAutomation: ada offers her recording of a task and
// learns an automation from it and bob's offered recording of the same
// task, from her recording's page; demos of another task are refused with
// the learner's reason beside the form; the automation's page shows the
// program in plain words, its inputs, its success rate and the
// demonstrators' measured shares, on a desktop and a phone screen; to bob,
// who is not its publisher, it says whom to ask instead of offering the
// form to add a demonstration.
func TestBrowserLearnedAutomation(t *testing.T) {
	f := newFixture(t, store.SQLite)
	mine := uploadDemo(t, f, "ada", "reject-claim-1.json")
	other := uploadDemo(t, f, "ada", "collapsible-1.json")
	bobs := uploadDemo(t, f, "bob", "approve-claim-4.json")
	bob, _ := f.app.Members.ByPublicID(t.Context(), f.ids["bob"])
	if _, err := f.app.Actions.Offer(t.Context(), bob, bobs.ID); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signInBrowser(t, f, ctx, "ada", "/recordings/"+mine.ID)
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// Offer hers.
	if err := chromedp.Do(wait, chromedp.WaitVisible("#offer-form"), chromedp.Click("#offer-form button"), chromedp.WaitVisible("#offered")); err != nil {
		t.Fatal(err)
	}
	learn := func(ids, slug string) error {
		if err := chromedp.Do(wait, chromedp.WaitVisible("#learn-form")); err != nil {
			return err
		}
		if _, err := chromedp.Run(wait, chromedp.Evaluate[bool](`(document.querySelector("#learn-recordings").value = `+strconv.Quote(ids)+`, true)`)); err != nil {
			return err
		}
		return chromedp.Do(wait,
			chromedp.SetValue("#learn-id", slug),
			chromedp.SetValue("#learn-title", "Decide the expense claim the page names"),
			chromedp.SetValue("#learn-description", "Finds the claim of the person the page names and approves or rejects it as asked."),
			chromedp.Click("#learn-form button"),
		)
	}
	// Another task's demo: refused, naming the recording.
	if err := learn(other.ID, "mixed"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(wait, chromedp.WaitVisible("#learn-error")); err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text("#learn-error"))
	if !strings.Contains(msg, "different tasks") || strings.Contains(msg, "seed=") {
		t.Fatalf("the refusal says %q", msg)
	}
	browsertest.Screenshot(t, ctx, "learn-refused-desktop")
	// From her own recording alone.
	if err := learn("", "expense-claim"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(wait, chromedp.WaitVisible("#program")); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text("main"))
		t.Fatalf("after learning: %v\n%s", err, body)
	}
	if prog, _ := chromedp.Run(ctx, chromedp.Text("#program")); !strings.Contains(prog, "learned from 1 demonstration") || !strings.Contains(prog, "button named") {
		t.Fatalf("learned from one demo: %q", prog)
	}
	// Adding a demo of another task is refused on the automation's page.
	addDemo := func(id string) error {
		return chromedp.Do(wait, chromedp.WaitVisible("#demo-form"), chromedp.SetValue("#demo-recording", id), chromedp.Click("#demo-form button"))
	}
	if err := addDemo(other.ID); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(wait, chromedp.WaitVisible("#demo-error")); err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#demo-error")); !strings.Contains(msg, other.ID) {
		t.Fatalf("the refusal says %q", msg)
	}
	browsertest.Screenshot(t, ctx, "add-demo-refused-desktop")
	// Bob's offered recording, on other data: the program is learned again.
	if err := addDemo(bobs.ID); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(wait, chromedp.WaitVisible("#demos tbody tr:nth-child(2)")); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text("main"))
		t.Fatalf("after adding bob's demo: %v\n%s", err, body)
	}
	// Listed after its test run (a stand-in actor: the page is what is
	// tested here).
	f.app.Actions.Actor = okActor{}
	listAutomation(t, f, "ada", "expense-claim", "")
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height), chromedp.Navigate(f.srv.URL+"/automations/expense-claim"), chromedp.WaitVisible("#demos")); err != nil {
				t.Fatal(err)
			}
			prog, _ := chromedp.Run(ctx, chromedp.Text("#program"))
			if !strings.Contains(prog, "learned from 2 demonstrations") || !strings.Contains(prog, "button named") {
				t.Errorf("the program in words: %q", prog)
			}
			demos, _ := chromedp.Run(ctx, chromedp.Text("#demos"))
			if !strings.Contains(demos, f.ids["ada"]) || !strings.Contains(demos, f.ids["bob"]) || strings.Count(demos, "50%") != 2 {
				t.Errorf("the demonstrators: %q", demos)
			}
			rate, _ := chromedp.Run(ctx, chromedp.Text("#success-rate"))
			if rate != "no runs in the last 30 days" {
				t.Errorf("the success rate: %q", rate)
			}
			start, _ := chromedp.Run(ctx, chromedp.Value("#run-start"))
			if strings.Contains(start, "seed=") || !strings.HasSuffix(start, "/table-row-action/") {
				t.Errorf("the run form starts on %q: the demos' query is their data", start)
			}
			fits := `document.documentElement.scrollWidth <= window.innerWidth`
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the automation page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "learned-automation-"+size.name)
		})
	}
	// Bob, whose recording it learned from too, is not its publisher: no
	// form to add a demonstration, but whom to ask.
	bobCtx := browsertest.New(t)
	signInBrowser(t, f, bobCtx, "bob", "/automations/expense-claim")
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run("bob-"+size.name, func(t *testing.T) {
			if err := chromedp.Do(bobCtx, chromedp.EmulateViewport(size.width, size.height), chromedp.Navigate(f.srv.URL+"/automations/expense-claim"), chromedp.WaitVisible("#demo-ask")); err != nil {
				t.Fatal(err)
			}
			if n, _ := chromedp.Run(bobCtx, chromedp.Evaluate[int](`document.querySelectorAll("#demo-form").length`)); n != 0 {
				t.Error("a member who is not the publisher is offered the form to add a demonstration")
			}
			if ask, _ := chromedp.Run(bobCtx, chromedp.Text("#demo-ask")); !strings.Contains(ask, "Only its publisher "+f.ids["ada"]+" or a steward adds demonstrations") {
				t.Errorf("the page tells bob %q", ask)
			}
			if ok, _ := chromedp.Run(bobCtx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
				t.Errorf("the automation page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, bobCtx, "learned-automation-not-publisher-"+size.name)
		})
	}
}
