package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserAnnotationProject is the whole story in a browser: a
// requester creates a project from a COCO file and its image, a steward
// approves it, three members each draw a box on the image and submit, the
// project page shows the inferred box, the pay (with its top-up to the
// floor) is in the ledger, and each worker's dashboard shows an effective
// hourly rate.
func TestBrowserAnnotationProject(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	carol, err := f.app.Members.Found(t.Context(), "carol@example.org", "Carol", password, member.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	f.ids["carol"] = carol.PublicID
	ctx := browsertest.New(t)
	c := canvas{ctx}

	dir := t.TempDir()
	coco := filepath.Join(dir, "batteries.json")
	if err := os.WriteFile(coco, []byte(`{"categories":[{"id":1,"name":"battery"}],
		"images":[{"id":1,"file_name":"IMG20231010093441.jpg","width":512,"height":256}],"annotations":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	img := shareddata.Path(t, "coco/lego-battery/images/IMG20231010093441.jpg")

	signInBrowser(t, f, ctx, "rita", "/projects/new")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible("#project-form"),
		chromedp.SendKeys("#name", "Find the battery"),
		chromedp.SendKeys("#slug", "find-battery"),
		chromedp.SendKeys("#client", "Brickworks Robotics"),
		chromedp.SendKeys("#purpose", "Teach a robot arm to find the battery box."),
		chromedp.SendKeys("#instructions", "Draw one tight box around the battery box."),
		chromedp.SetValue("#task_type", "bounding_box"),
		chromedp.SendKeys("#labels", "battery"),
		chromedp.SendKeys("#pay_per_task", "0.10"),
		chromedp.SetValue("#est_seconds", "30"),
		chromedp.SendKeys("#budget", "50.00"),
		chromedp.SetValue("#redundancy", "3"),
		chromedp.SetValue("#review_hours", "0"),
		chromedp.SetUploadFiles("#coco", []string{coco}),
		chromedp.SetUploadFiles("#images", []string{img}),
		chromedp.Submit("#project-form"),
		chromedp.WaitVisible("#done"),
	)
	if err != nil {
		t.Fatal(err)
	}
	signOutBrowser(t, ctx)

	signInBrowser(t, f, ctx, "stella", "/projects/find-battery")
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#approve"), chromedp.Click("#approve"), chromedp.WaitNotPresent("#approve")); err != nil {
		t.Fatal(err)
	}
	signOutBrowser(t, ctx)

	boxes := map[string][4]float64{"ada": {150, 60, 330, 200}, "bob": {154, 64, 326, 196}, "carol": {148, 58, 334, 204}}
	for _, who := range []string{"ada", "bob", "carol"} {
		signInBrowser(t, f, ctx, who, "/work")
		if err := chromedp.Do(ctx, chromedp.WaitVisible("#start-find-battery"), chromedp.Click("#start-find-battery"), chromedp.WaitVisible("#annotator svg")); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		b := boxes[who]
		c.drag(t, b[0], b[1], b[2], b[3])
		if who == "ada" {
			browsertest.Screenshot(t, ctx, "task-box")
		}
		if err := chromedp.Do(ctx, chromedp.WaitEnabled("#submit-task"), chromedp.Click("#submit-task"), chromedp.WaitVisible("#task-done")); err != nil {
			t.Fatalf("%s submit: %v", who, err)
		}
		done, _ := chromedp.Run(ctx, chromedp.Text("#task-done h2"))
		if done != "Submitted and paid" {
			t.Fatalf("%s sees %q", who, done)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible("#effective-rate")); err != nil {
			t.Fatalf("%s dashboard: %v", who, err)
		}
		rate, _ := chromedp.Run(ctx, chromedp.Text("#effective-rate"))
		if rate == "" || rate == "0.00 EUR" {
			t.Fatalf("%s's effective rate = %q", who, rate)
		}
		signOutBrowser(t, ctx)
	}

	signInBrowser(t, f, ctx, "rita", "/projects/find-battery")
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#results")); err != nil {
		t.Fatal(err)
	}
	results, _ := chromedp.Run(ctx, chromedp.Text("#results"))
	// The mean of the three boxes, give or take the pixel the mouse lands on.
	if !regexp.MustCompile(`battery at 1(49|5\d),(59|6\d) 1[78]\d×1[34]\d`).MatchString(results) {
		t.Fatalf("inferred box not shown: %q", results)
	}
	browsertest.Screenshot(t, ctx, "project-results")

	// Each worker got 10 points and a top-up to the floor for their time,
	// from the escrow, through ledger events.
	p, _ := f.app.Work.BySlug(t.Context(), "find-battery")
	for _, who := range []string{"ada", "bob", "carol"} {
		b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids[who]))
		if b < 10 {
			t.Fatalf("%s earned %d", who, b)
		}
	}
	esc, _ := f.app.Reward.Balance(t.Context(), reward.EscrowAccount(p.ID))
	var paid int64
	for _, who := range []string{"ada", "bob", "carol"} {
		b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids[who]))
		paid += b
	}
	if esc+paid != 5000 {
		t.Fatalf("escrow %d + paid %d != the budget of 5000", esc, paid)
	}
	var events int
	f.app.DB.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, string(ledger.TaskPaid)).Scan(&events)
	if events < 3 {
		t.Fatalf("task.paid events: %d", events)
	}
}

func signOutBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	// On a narrow screen Sign out is in the folded menu: open it first, as
	// a person would.
	folded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const m = document.querySelector("#menu"); return !!m && !m.open && m.querySelector("summary").checkVisibility(); })()`))
	if err != nil {
		t.Fatal(err)
	}
	var steps []chromedp.Action[chromedp.Void]
	if folded {
		steps = append(steps, chromedp.Click("#menu > summary"))
	}
	steps = append(steps, chromedp.Click("#signout"), chromedp.WaitVisible(".hero"))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// TestBrowserPairwiseAndAppeal: a worker picks the better of two answers
// with a reason; the requester rejects it with a reason, which the worker
// sees and appeals; a steward overturns the rejection and the work is paid.
func TestBrowserPairwiseAndAppeal(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"better","name":"Which answer is better","client":"Chat Co",
			"purpose":"train a helpful assistant","instructions":"Pick the answer that is correct and polite.","task_type":"pairwise","pay_per_task":30,"est_seconds":40,
			"budget":5000,"review_hours":72,"redundancy":1,"max_reject_share":0.5}`},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/better/items", contentType: "application/x-ndjson", status: 201,
			body: "{\"a\":\"Paris is the capital of France.\",\"b\":\"The capital of France is Lyon.\"}\n"},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/better/approve", status: 200},
	})
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/work")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#start-better"), chromedp.Click("#start-better"),
		chromedp.WaitVisible("#text-b"),
		chromedp.Click(`input[name=choice][value=a]`),
		chromedp.SendKeys(`textarea[name=reason]`, "B names the wrong city."),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "task-pairwise")
	if err := chromedp.Do(ctx, chromedp.Click("#submit-task"), chromedp.WaitVisible("#task-done")); err != nil {
		t.Fatal(err)
	}
	taskURL, _ := chromedp.Run(ctx, chromedp.Location())
	signOutBrowser(t, ctx)

	signInBrowser(t, f, ctx, "rita", "/projects/better")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(".reject-form"),
		chromedp.SendKeys(`.reject-form input[name=reason]`, "The instructions ask for the polite answer; this one is rude."),
		chromedp.Submit(".reject-form"),
		chromedp.WaitNotPresent(".reject-form"),
	)
	if err != nil {
		t.Fatal(err)
	}
	signOutBrowser(t, ctx)

	// One rejection of one submission is beyond the 50 % share: it waits
	// for a steward, who overturns it.
	signInBrowser(t, f, ctx, "stella", "/reviews")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(".review-item"),
		chromedp.SendKeys(`.review-item input[name=note]`, "Answer A is both correct and polite."),
		chromedp.Click(`.review-item button[value=overturn]`),
		chromedp.WaitNotPresent(".review-item"),
	)
	if err != nil {
		t.Fatal(err)
	}
	signOutBrowser(t, ctx)

	signInBrowser(t, f, ctx, "ada", strings.TrimPrefix(taskURL, f.srv.URL))
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#task-done")); err != nil {
		t.Fatal(err)
	}
	done, _ := chromedp.Run(ctx, chromedp.Text("#task-done"))
	if !strings.Contains(done, "Submitted and paid") || !strings.Contains(done, "polite answer; this one is rude") || !strings.Contains(done, "overturn") {
		t.Fatalf("the worker sees %q", done)
	}
	b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["ada"]))
	if b < 30 {
		t.Fatalf("ada was paid %d after the overturn", b)
	}
}
