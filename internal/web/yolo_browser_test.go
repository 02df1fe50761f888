package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserYOLOProject: a requester creates a box project from three
// photos and Ultralytics label files through the form — first with a
// label file whose class the list does not have, which the form names by
// file and line, then correctly — and a worker's task shows the imported
// shapes, in the photo's pixels, ready to correct.
func TestBrowserYOLOProject(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	ctx := browsertest.New(t)

	// The lego photos are 512×256, so normalised coordinates land on whole
	// pixels. The third photo has no label file and starts empty.
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	images := []string{
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg"),
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083835.jpg"),
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083844.jpg"),
	}
	classes := file("classes.txt", "battery\ncable\n")
	boxes := file("IMG20231010083824.txt", "0 0.5 0.5 0.25 0.5\n1 0.125 0.25 0.0625 0.125\n")
	polygon := file("IMG20231010083835.txt", "1 0.25 0.25 0.5 0.25 0.5 0.75\n")
	want := map[string]annotation{
		"IMG20231010083824.jpg": {Boxes: []annotatedBox{{"battery", 192, 64, 128, 128}, {"cable", 48, 48, 32, 32}}},
		"IMG20231010083835.jpg": {Boxes: []annotatedBox{{"cable", 128, 64, 128, 128}}}, // a polygon's bounds
		"IMG20231010083844.jpg": {},
	}

	fill := func(slug string, labels []string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(f.srv.URL+"/projects/new"),
			chromedp.WaitVisible("#project-form"),
			chromedp.SendKeys("#name", "Lego parts"),
			chromedp.SendKeys("#slug", slug),
			chromedp.SendKeys("#client", "Brickworks Robotics"),
			chromedp.SendKeys("#purpose", "Teach a robot arm to find batteries and cables."),
			chromedp.SendKeys("#instructions", "Correct the boxes: one tight box per battery or cable."),
			chromedp.SetValue("#task_type", "bounding_box"),
			chromedp.SendKeys("#labels", "battery, cable"),
			chromedp.SendKeys("#pay_per_task", "0.10"),
			chromedp.SetValue("#est_seconds", "30"),
			chromedp.SendKeys("#budget", "50.00"),
			chromedp.SetValue("#redundancy", "1"),
			chromedp.SetValue("#review_hours", "0"),
			chromedp.SetUploadFiles("#yolo", labels),
			chromedp.SetUploadFiles("#images", images),
		)
	}

	signInBrowser(t, f, ctx, "rita", "/projects")
	bad := file("broken/IMG20231010083835.txt", "1 0.25 0.25 0.5 0.25 0.5 0.75\n7 0.5 0.5 0.1 0.1\n")
	if err := chromedp.Do(ctx, fill("lego-parts", []string{classes, boxes, bad}), chromedp.Submit("#project-form"), chromedp.WaitVisible("#items-error")); err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text("#items-error"))
	if !strings.Contains(msg, "labels IMG20231010083835.txt line 2") || !strings.Contains(msg, `class "7"`) {
		t.Fatalf("the form says %q, want the file, the line and the class", msg)
	}
	browsertest.Screenshot(t, ctx, "yolo-form-error")
	// The failed attempt left nothing behind: the same address is free.

	if err := chromedp.Do(ctx, fill("lego-parts", []string{classes, boxes, polygon}), chromedp.Submit("#project-form"), chromedp.WaitVisible("#done")); err != nil {
		t.Fatal(err)
	}
	progress, _ := chromedp.Run(ctx, chromedp.Text(".big"))
	if !strings.Contains(progress, "of 3 items") {
		t.Fatalf("project page says %q, want 3 items", progress)
	}
	signOutBrowser(t, ctx)

	signInBrowser(t, f, ctx, "stella", "/projects/lego-parts")
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#approve"), chromedp.Click("#approve"), chromedp.WaitNotPresent("#approve")); err != nil {
		t.Fatal(err)
	}
	signOutBrowser(t, ctx)

	// Which photo a worker gets first is the assigner's choice; the
	// item's blob in the page says which it is.
	names := map[string]string{}
	rows, err := f.app.DB.Read().QueryContext(t.Context(), `SELECT blob, name FROM items`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var blob, name string
		if err := rows.Scan(&blob, &name); err != nil {
			t.Fatal(err)
		}
		names["/items/"+blob] = name
	}
	rows.Close()

	signInBrowser(t, f, ctx, "ada", "/work")
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#start-lego-parts"), chromedp.Click("#start-lego-parts"), chromedp.WaitVisible("#annotator svg")); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("annotator").dataset.image`))
	if err != nil {
		t.Fatal(err)
	}
	name, ok := names[src]
	if !ok {
		t.Fatalf("the task shows %q, not one of the imported photos %v", src, names)
	}
	a := readAnswer(t, ctx)
	wantBoxes(t, a, want[name].Boxes...)
	imported, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#annotator .ann-list .badge").length`))
	if err != nil || imported != len(want[name].Boxes) {
		t.Fatalf("%d shapes marked imported on %s (%v), want %d", imported, name, err, len(want[name].Boxes))
	}
	t.Logf("%s: %s", name, browsertest.Screenshot(t, ctx, "yolo-task"))
}
