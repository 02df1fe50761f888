package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	annot "github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/shareddata"
)

// TestDayRequester is a requester's day in the demo cooperative, on a
// laptop and on a phone: Rita creates a box project from a COCO file and
// its photos without typing a label (the labels are the file's
// categories), sees the preview of the photos and of the task as a worker
// will see it, and lands on the draft's page; a steward approves it and
// two workers answer; Rita reads the submissions as words, opens each to
// see the boxes drawn on the photo, accepts one and rejects the other with
// a reason; then she downloads every export the project page offers and
// each parses with its format's reader to exactly the accepted answer.
func TestDayRequester(t *testing.T) {
	d := newDay(t, "requester")
	dir := t.TempDir()
	coco := filepath.Join(dir, "lego.coco.json")
	err := os.WriteFile(coco, []byte(`{"categories":[{"id":1,"name":"battery"},{"id":2,"name":"cable"}],
		"images":[{"id":1,"file_name":"images/IMG20231010083824.jpg","width":512,"height":256},{"id":2,"file_name":"images/IMG20231010083835.jpg","width":512,"height":256}],
		"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[190,60,130,130]}]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	images := []string{
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg"),
		shareddata.Path(t, "coco/lego-battery/images/IMG20231010083835.jpg"),
	}
	// The answers the two workers give, and the one of them Rita accepts.
	const kept = `{"boxes":[{"label":"battery","x":186,"y":58,"w":136,"h":132},{"label":"cable","x":20,"y":30,"w":60,"h":200}]}`
	const turnedDown = `{"boxes":[{"label":"cable","x":120,"y":60,"w":140,"h":120}]}`
	want := []string{"battery 186 58 136 132", "cable 20 30 60 200"}

	for _, size := range dayWidths {
		slug := "day-lego-" + size.name
		d.at(size.width, size.height)
		d.signIn("rita@example.org")
		d.open("/projects/new", "")
		d.do("fill the form",
			chromedp.WaitVisible("#project-form"),
			chromedp.SendKeys("#name", "Lego batteries "+size.name),
			chromedp.SendKeys("#slug", slug),
			chromedp.SendKeys("#client", "Brickworks Robotics"),
			chromedp.SendKeys("#purpose", "Teach a robot arm to find batteries."),
			chromedp.SendKeys("#instructions", "Draw one tight box per battery box, and one per cable."),
			chromedp.SetValue("#task_type", "bounding_box"),
			chromedp.SetValue("#est_seconds", "30"),
			chromedp.SetValue("#redundancy", "1"),
			chromedp.SetValue("#review_hours", "72"),
			chromedp.SetValue(`input[name="max_reject_share"]`, "1"),
		)
		fillMoney(d, "Pay per task", 40)
		fillMoney(d, "Budget", 5000)
		d.do("choose the files",
			chromedp.SetUploadFiles("#coco", []string{coco}),
			chromedp.SetUploadFiles("#images", images),
			chromedp.WaitVisible("#file-labels"),
			chromedp.WaitVisible("#preview-items .preview-box"))
		// Nobody typed a label: the file's categories are the labels.
		if labels, _ := chromedp.Run(d.ctx, chromedp.Value("#labels")); labels != "battery, cable" {
			t.Errorf("the labels field holds %q, want the file's categories", labels)
		}
		d.has("#file-labels", "battery, cable")
		if n := d.count("#preview-items .preview-item img"); n != 2 {
			t.Errorf("the preview shows %d photos, want 2", n)
		}
		d.has("#preview-task", "Lego batteries", "Brickworks Robotics", "one tight box")
		d.here("new-project-preview")
		d.do("create the project", chromedp.Click("#create-project"), chromedp.WaitVisible("#draft-notice"))
		d.has("#draft-notice", "until a steward approves it")
		d.has("#project-task", "battery, cable")
		d.lacks("", "bounding_box", "Method: .")
		d.here("draft")

		// A steward approves it; Ada and Grace each answer one photo.
		if err := d.site.app.Work.Approve(t.Context(), d.as("stella@example.org"), slug); err != nil {
			t.Fatal(err)
		}
		good := d.answer("ada@example.org", slug, kept)
		bad := d.answer("grace@example.org", slug, turnedDown)

		// The submissions read as words, and each opens on the photo.
		d.open("/projects/"+slug, "submissions")
		d.has("#submissions", "2 boxes: battery, cable", "1 box: cable")
		d.lacks("#submissions", `"boxes"`, "{")
		d.do("see the first answer", chromedp.Click(fmt.Sprintf(`#submissions a[href="/tasks/%d"]`, good)), chromedp.WaitVisible("#task-done"))
		if n := d.count("#task-done svg.work-overlay rect.work-shape"); n != 2 || !d.imageShown("#task-done") {
			t.Errorf("the requester sees %d boxes on the photo (want 2), or no photo", n)
		}
		d.has("#work-answer", "battery", "cable")
		d.here("review-good")
		acceptTask(d)

		d.open(fmt.Sprintf("/tasks/%d", bad), "")
		if n := d.count("#task-done svg.work-overlay rect.work-shape"); n != 1 || !d.imageShown("#task-done") {
			t.Errorf("the requester sees %d boxes on the photo (want 1), or no photo", n)
		}
		d.do("reject the second answer",
			chromedp.SendKeys("#reject-reason", "The battery box is labelled as a cable; the instructions name it battery."),
			chromedp.Click("#reject"),
			chromedp.WaitVisible("#reviews"))
		if h := d.text("#task-done h2"); h != "Rejected" {
			t.Errorf("after rejecting, the task says %q", h)
		}
		d.has("#reviews", "labelled as a cable")
		d.here("rejected")

		// Every export the page offers parses back to the accepted answer.
		d.open("/projects/"+slug, "")
		links, err := chromedp.Run(d.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main #exports a")].map(a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatal(err)
		}
		var formats []string
		for _, href := range links {
			format, raw := exportOf(href)
			formats = append(formats, format)
			status, ctype, body := d.fetch(href)
			if status != 200 {
				t.Errorf("%s: %d %s", href, status, body)
				continue
			}
			got := readBoxes(t, format, body)
			if !slices.Equal(got, want) {
				t.Errorf("%s (%s) reads back as %v, want the accepted answer %v\n%.600s", href, ctype, got, want, body)
			}
			if raw && format != "yolo" && !bytes.Contains(body, []byte(d.as("ada@example.org").PublicID)) {
				t.Errorf("%s does not name the worker by pseudonym", href)
			}
		}
		slices.Sort(formats)
		formats = slices.Compact(formats)
		if !slices.Equal(formats, []string{"coco", "labelstudio", "yolo"}) {
			t.Errorf("the page offers %v, want COCO, Label Studio and YOLO", formats)
		}
		d.signOut()
	}
}

// fillMoney types an amount into the form field whose label starts with
// label, in the unit the label names: points, or the currency (100 points
// to the unit in the demo).
func fillMoney(d *day, label string, points int64) {
	d.t.Helper()
	ok, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
	  const l = [...document.querySelectorAll("main label")].find(l => l.textContent.trim().startsWith(%q));
	  const i = l && (l.control || l.querySelector("input"));
	  if (!i) return false;
	  i.value = /points/.test(l.textContent) ? %q : %q;
	  i.dispatchEvent(new Event("input", {bubbles: true}));
	  return true;
	})()`, label, fmt.Sprint(points), fmt.Sprintf("%d.%02d", points/100, points%100))))
	if err != nil || !ok {
		d.t.Fatalf("no field labelled %q (%v)", label, err)
	}
}

// exportOf reads an export link's format and whether it holds every
// answer.
func exportOf(href string) (format string, raw bool) {
	_, q, _ := strings.Cut(href, "?")
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "format":
			format = v
		case "raw":
			raw = v == "true"
		}
	}
	return format, raw
}

// readBoxes parses a box export with its format's reader into sorted
// lines "label x y w h", in whole pixels.
func readBoxes(t *testing.T, format string, data []byte) []string {
	t.Helper()
	var lines []string
	add := func(label string, r annot.Rect) {
		lines = append(lines, fmt.Sprintf("%s %.0f %.0f %.0f %.0f", label, r.X, r.Y, r.W, r.H))
	}
	fromDataset := func(ds annot.Dataset) {
		for _, an := range ds.Annotations {
			if an.Box == nil {
				t.Errorf("%s: an annotation without a box: %+v", format, an)
				continue
			}
			add(an.Label, *an.Box)
		}
	}
	switch format {
	case "coco":
		imp, err := annot.ImportCOCO(bytes.NewReader(data))
		if err != nil {
			t.Errorf("coco: %v", err)
			return nil
		}
		fromDataset(imp.Dataset)
	case "labelstudio":
		imp, err := annot.ImportLabelStudio(bytes.NewReader(data))
		if err != nil {
			t.Errorf("labelstudio: %v", err)
			return nil
		}
		fromDataset(imp.Dataset)
	case "yolo":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("yolo: %v", err)
			return nil
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(r)
			r.Close()
			files[f.Name] = b
		}
		var names []string
		for _, l := range strings.Split(string(files["data.yaml"]), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(l), ": "); ok && k != "" && k[0] >= '0' && k[0] <= '9' {
				names = append(names, strings.Trim(v, `"`))
			}
		}
		for name, b := range files {
			if !strings.HasPrefix(name, "labels/") {
				continue
			}
			anns, err := annot.ImportYOLO(bytes.NewReader(b), 512, 256, names)
			if err != nil {
				t.Errorf("yolo %s: %v", name, err)
				continue
			}
			for _, an := range anns {
				add(an.Label, *an.Box)
			}
		}
	default:
		t.Errorf("the page offers %q, which a box project's answers do not fit", format)
	}
	slices.Sort(lines)
	return lines
}

// acceptTask accepts the submission the tab shows, which pays it now
// rather than when the review window closes.
func acceptTask(d *day) {
	d.t.Helper()
	d.do("accept the answer", chromedp.Click("#accept"), chromedp.WaitNotPresent("#accept"), chromedp.WaitVisible("#task-done"))
	if h := d.text("#task-done h2"); h != "Submitted and paid" {
		d.t.Errorf("after accepting, the task says %q", h)
	}
	if n := d.count("#accept, #reject"); n != 0 {
		d.t.Errorf("the accepted task still offers %d decisions", n)
	}
	d.here("accepted")
}
