package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserCreateAndEditProject: at a desktop's width and a phone's, a
// requester creates a box project from a COCO file. Choosing the file
// shows its categories and a preview of the first photos with the file's
// boxes and of the task as a worker will see it, and offers the file's
// categories as the labels. A label typed in the wrong case is refused
// beside the labels field, naming the category, and the chosen files stay
// chosen; with the labels left empty the project takes the file's. The project page says it is a draft a steward must
// approve and how results will be inferred. The requester then edits it:
// lowering the pay is refused beside the pay; clearer instructions with
// an example photo and a higher pay are saved and shown, and every export
// the page offers downloads. No page is wider than the screen.
func TestBrowserCreateAndEditProject(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	dir := t.TempDir()
	coco := filepath.Join(dir, "parts.coco.json")
	err := os.WriteFile(coco, []byte(`{"categories":[{"id":1,"name":"battery"},{"id":2,"name":"cable"}],
		"images":[{"id":1,"file_name":"images/IMG20231010083824.jpg","width":512,"height":256},{"id":2,"file_name":"images/IMG20231010083835.jpg","width":512,"height":256},
		          {"id":3,"file_name":"images/IMG20231010083844.jpg","width":512,"height":256}],
		"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[190,60,130,130]},{"id":2,"image_id":2,"category_id":1,"bbox":[120,60,140,120]}]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	images := []string{
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg"),
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083835.jpg"),
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083844.jpg"),
	}
	fits := `document.documentElement.scrollWidth <= window.innerWidth`
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			slug := "lego-" + size.name
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, ctx, "rita", "/projects/new")
			wait, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					page, _ := chromedp.Run(ctx, chromedp.Text("main"))
					t.Fatalf("%s: %v\n%s", what, err, page)
				}
			}
			fitsScreen := func(page string) {
				t.Helper()
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fits))
				if err != nil || !ok {
					w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
					t.Errorf("%s is %d px wide on a %d px screen (%v)", page, w, size.width, err)
				}
			}
			check("fill the form", chromedp.Do(wait,
				chromedp.WaitVisible("#project-form"),
				chromedp.SendKeys("#name", "Lego parts"),
				chromedp.SendKeys("#slug", slug),
				chromedp.SendKeys("#client", "Brickworks Robotics"),
				chromedp.SendKeys("#purpose", "Teach a robot arm to find batteries."),
				chromedp.SendKeys("#instructions", "Correct the boxes: one tight box per battery."),
				chromedp.SetValue("#task_type", "bounding_box"),
				chromedp.SendKeys("#pay_per_task", "0.40"),
				chromedp.SetValue("#est_seconds", "30"),
				chromedp.SendKeys("#budget", "50.00"),
				chromedp.SetValue("#redundancy", "1"),
				chromedp.SetValue("#review_hours", "0"),
				chromedp.SetUploadFiles("#coco", []string{coco}),
				chromedp.SetUploadFiles("#images", images),
				chromedp.WaitVisible("#file-labels"),
				chromedp.WaitVisible("#preview .preview-box"),
			))
			// With no labels typed, the file's categories are offered.
			if labels, _ := chromedp.Run(ctx, chromedp.Value("#labels")); labels != "battery, cable" {
				t.Errorf("the labels field holds %q, want the file's categories", labels)
			}
			check("type a label in the wrong case", chromedp.Do(wait,
				chromedp.SetValue("#labels", "Battery, cable"),
				chromedp.Evaluate[chromedp.Void](`document.getElementById("labels").dispatchEvent(new Event("input", {bubbles: true}))`),
			))
			note, _ := chromedp.Run(ctx, chromedp.Text("#file-labels"))
			if !strings.Contains(note, "battery, cable") || !strings.Contains(note, "Not among the labels: battery") {
				t.Errorf("the file's labels are shown as %q", note)
			}
			previews, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll("#preview-items .preview-item img").length,
				document.querySelectorAll("#preview-items .preview-box").length,
				[...document.querySelectorAll("#preview-items img")].filter(i => i.complete && i.naturalWidth === 512).length,
				Math.round(100 * document.querySelector("#preview-items .preview-box").getBoundingClientRect().width / document.querySelector("#preview-items img").getBoundingClientRect().width)]`))
			// The first box is 130 of the photo's 512 pixels wide.
			if err != nil || previews[0] != 3 || previews[1] != 2 || previews[2] != 3 || previews[3] != 25 {
				t.Errorf("the preview shows %v photos, boxes, loaded photos and the first box's width in %% (%v), want 3, 2, 3 and 25", previews, err)
			}
			task, _ := chromedp.Run(ctx, chromedp.Text("#preview-task"))
			for _, want := range []string{"Lego parts", "Brickworks Robotics", "pays 0.40 EUR a task", "48.00 EUR an hour", "one tight box per battery", "Draw a box around each object as: Battery · cable"} {
				if !strings.Contains(task, want) {
					t.Errorf("the worker's preview lacks %q: %q", want, task)
				}
			}
			fitsScreen("the new project form")
			t.Logf("preview: %s", browsertest.Screenshot(t, ctx, "project-new-preview-"+size.name))

			check("send with a mismatching label", chromedp.Do(wait, chromedp.Click("#create-project"), chromedp.WaitVisible(`[data-for="labels"]`)))
			msg, _ := chromedp.Run(ctx, chromedp.Text(`[data-for="labels"]`))
			if !strings.Contains(msg, `"battery" (you typed "Battery")`) {
				t.Errorf("the labels field says %q, want the category and what was typed", msg)
			}
			kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.getElementById("coco").files.length, document.getElementById("images").files.length]`))
			if err != nil || kept[0] != 1 || kept[1] != 3 {
				t.Errorf("after the refusal the form holds %v files (%v), want the COCO file and 3 photos", kept, err)
			}
			// The new form reads the kept files again before it previews them.
			check("preview after the refusal", chromedp.Do(wait, chromedp.WaitVisible("#preview-items .preview-box")))
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#preview-items .preview-item").length`)); n != 3 {
				t.Errorf("after the refusal the preview shows %d photos", n)
			}
			fitsScreen("the refused form")
			t.Logf("refused: %s", browsertest.Screenshot(t, ctx, "project-new-mismatch-"+size.name))

			// The form the refusal brought was parsed in another document
			// and adopted, which chromedp's node cache does not follow:
			// the field is cleared by script, with the event typing sends.
			check("send with the file's labels", chromedp.Do(wait,
				chromedp.Evaluate[chromedp.Void](`const l = document.getElementById("labels"); l.value = ""; l.dispatchEvent(new Event("input", {bubbles: true}))`),
				chromedp.Click("#create-project"),
				chromedp.WaitVisible("#draft-notice"),
			))
			about, _ := chromedp.Run(ctx, chromedp.Text("#project-task"))
			method, _ := chromedp.Run(ctx, chromedp.Text("#method"))
			if !strings.Contains(about, "draw boxes on images: battery, cable") || !strings.Contains(method, "box consensus") {
				t.Errorf("the project page says %q and %q", about, method)
			}
			notice, _ := chromedp.Run(ctx, chromedp.Text("#draft-notice"))
			if !strings.Contains(notice, "until a steward approves it") || !strings.Contains(notice, "50.00") {
				t.Errorf("the draft notice says %q", notice)
			}
			fitsScreen("the project page")
			t.Logf("project: %s", browsertest.Screenshot(t, ctx, "project-draft-"+size.name))

			check("lower the pay", chromedp.Do(wait,
				chromedp.Click("#edit-project"),
				chromedp.WaitVisible("#edit-form"),
				chromedp.SetValue("#pay_per_task", "0.30"),
				chromedp.Click("#save-project"),
				chromedp.WaitVisible(`[data-for="pay_per_task"]`),
			))
			msg, _ = chromedp.Run(ctx, chromedp.Text(`[data-for="pay_per_task"]`))
			if !strings.Contains(msg, "can only go up") {
				t.Errorf("the pay field says %q", msg)
			}
			t.Logf("edit refused: %s", browsertest.Screenshot(t, ctx, "project-edit-refused-"+size.name))
			check("edit", chromedp.Do(wait,
				chromedp.SetValue("#instructions", "Correct the boxes: one tight box per battery, cables are not batteries."),
				chromedp.SetValue("#labels", "battery, cable, screw"),
				chromedp.SetValue("#pay_per_task", "0.50"),
				chromedp.SetUploadFiles("#add-examples", images[:1]),
				chromedp.Click("#save-project"),
				chromedp.WaitVisible("#project-saved"),
			))
			instr, _ := chromedp.Run(ctx, chromedp.Text("#instructions"))
			about, _ = chromedp.Run(ctx, chromedp.Text("#project-task"))
			pay, _ := chromedp.Run(ctx, chromedp.Text(".panel dl"))
			if !strings.Contains(instr, "cables are not batteries") || !strings.Contains(about, "screw") || !strings.Contains(pay, "0.50") {
				t.Errorf("after the edit the page says %q, %q, %q", instr, about, pay)
			}
			loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(ok => { const i = document.querySelector("#instructions img.example"); if (!i) return ok(false); if (i.complete) return ok(i.naturalWidth === 512); i.onload = () => ok(i.naturalWidth === 512); i.onerror = () => ok(false); })`,
				chromedp.EvalAwaitPromise))
			if err != nil || !loaded {
				t.Errorf("the example photo is not shown (%v)", err)
			}
			// Every export the page offers downloads: the fitting formats,
			// results and every answer.
			exports, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all([...document.querySelectorAll("#exports a")].map(a =>
				fetch(a.href).then(r => a.dataset.format + " " + r.status + " " + r.headers.get("Content-Type"))))`, chromedp.EvalAwaitPromise))
			if err != nil || len(exports) != 6 {
				t.Errorf("the page offers %v (%v), want COCO, YOLO and Label Studio, results and every answer", exports, err)
			}
			for _, e := range exports {
				if !strings.Contains(e, " 200 ") || strings.HasPrefix(e, "csv") || strings.HasPrefix(e, "votes") {
					t.Errorf("export %s", e)
				}
			}
			fitsScreen("the edited project")
			t.Logf("edited: %s", browsertest.Screenshot(t, ctx, "project-edited-"+size.name))
			signOutBrowser(t, ctx)
		})
	}
}

// TestBrowserNewProjectPreviewsTexts: on a phone, choosing a pairwise
// task and a JSON Lines file of pairs previews the first pairs and the
// task as a worker will see it, with the first pair's texts; creating it
// leads to the project page.
func TestBrowserNewProjectPreviewsTexts(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	items := filepath.Join(t.TempDir(), "pairs.jsonl")
	var lines strings.Builder
	for i := range 5 {
		fmt.Fprintf(&lines, "{\"a\":\"Answer A number %d\",\"b\":\"Answer B number %d\"}\n", i+1, i+1)
	}
	if err := os.WriteFile(items, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	signInBrowser(t, f, ctx, "rita", "/projects/new")
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(wait,
		chromedp.WaitVisible("#project-form"),
		chromedp.SendKeys("#name", "Chat answers"),
		chromedp.SendKeys("#slug", "chat-answers"),
		chromedp.SendKeys("#client", "Helpdesk Co"),
		chromedp.SendKeys("#purpose", "Choose the better reply for a support bot."),
		chromedp.SendKeys("#instructions", "Pick the answer that solves the customer's problem."),
		chromedp.SetValue("#task_type", "pairwise"),
		chromedp.SendKeys("#pay_per_task", "0.30"),
		chromedp.SendKeys("#budget", "30.00"),
		chromedp.SetUploadFiles("#items", []string{items}),
		chromedp.WaitVisible("#preview-items .pair"),
	)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#preview-items .pair").length`))
	if err != nil || pairs != 3 {
		t.Errorf("the preview shows %d pairs (%v), want the first 3", pairs, err)
	}
	task, _ := chromedp.Run(ctx, chromedp.Text("#preview-task"))
	for _, want := range []string{"Answer A number 1", "Answer B number 1", "Which is better?", "Helpdesk Co"} {
		if !strings.Contains(task, want) {
			t.Errorf("the worker's preview lacks %q: %q", want, task)
		}
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("project-new").getBoundingClientRect().right <= window.innerWidth`)); !ok {
		t.Error("the form is wider than the phone")
	}
	t.Logf("texts: %s", browsertest.Screenshot(t, ctx, "project-new-texts-phone"))
	if err := chromedp.Do(wait, chromedp.Click("#create-project"), chromedp.WaitVisible("#draft-notice")); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text("main"))
		t.Fatalf("create: %v\n%s", err, page)
	}
	if about, _ := chromedp.Run(ctx, chromedp.Text("#project-task")); !strings.Contains(about, "pick the better of two texts") {
		t.Errorf("the project page says %q", about)
	}
}
