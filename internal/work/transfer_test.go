package work_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

func legoImages(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(shareddata.Path(t, "coco/lego-battery/images/*.jpg"))
	if err != nil || len(paths) < 30 {
		t.Fatalf("lego images: %d %v", len(paths), err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func boxProject(t *testing.T, e *env, slug string) work.Project {
	t.Helper()
	p, err := e.s.Create(t.Context(), e.as("rita"), work.Project{Slug: slug, Name: "Batteries", Client: "Robot Co", Purpose: "find batteries",
		Instructions: "Box each battery.", TaskType: work.BoundingBox, Labels: []string{"battery"}, PayPerTask: 40, EstSeconds: 60, Budget: 100000, ReviewHours: 0, Redundancy: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A requester creates a project from a COCO file: the real lego-battery
// annotations (keypoints only, so no pre-annotations, and a warning for
// each) and a hand-made file with one box that becomes a pre-annotation.
func TestImportCOCO(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	images := legoImages(t)
	p := boxProject(t, e, "lego")
	f, err := os.Open(shareddata.Path(t, "coco/lego-battery/annotations.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, warnings, err := e.s.ImportCOCO(ctx, p, f, images)
	if err != nil {
		t.Fatal(err)
	}
	if n != 34 || len(warnings) == 0 {
		t.Fatalf("imported %d items with %d warnings, want 34 and warnings about keypoints-only annotations", n, len(warnings))
	}

	coco := func(box string, width int) string {
		return `{"categories":[{"id":1,"name":"battery"}],"images":[{"id":7,"file_name":"images/IMG20231010083824.jpg","width":` + strconv.Itoa(width) + `,"height":256}],
			"annotations":[{"id":1,"image_id":7,"category_id":1,"bbox":` + box + `}]}`
	}
	p2 := boxProject(t, e, "lego-pre")
	if _, _, err := e.s.ImportCOCO(ctx, p2, strings.NewReader(coco("[100,50,120,80]", 512)), images); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Approve(ctx, e.as("stella"), p2.Slug); err != nil {
		t.Fatal(err)
	}
	a, err := e.s.Next(ctx, e.ids["ada"], p2.Slug)
	if err != nil {
		t.Fatal(err)
	}
	task, _ := e.s.Task(ctx, e.ids["ada"], a.ID)
	var pre annotation.Answer
	if err := json.Unmarshal(task.Item.Pre, &pre); err != nil || len(pre.Boxes) != 1 || pre.Boxes[0].X != 100 {
		t.Fatalf("pre-annotation %s (%v)", task.Item.Pre, err)
	}

	bad := []struct {
		name, file string
		imgs       map[string][]byte
		want       string
	}{
		{"dangling image id", `{"categories":[{"id":1,"name":"battery"}],"images":[],"annotations":[{"id":1,"image_id":99,"category_id":1,"bbox":[1,1,5,5]}]}`, images, "99"},
		{"zero-size box", coco("[100,50,0,80]", 512), images, "annotation 1"},
		{"size differs from the file", coco("[100,50,10,10]", 640), images, "is 512×256 pixels"},
		{"image not uploaded", coco("[100,50,10,10]", 512), map[string][]byte{}, "not uploaded"},
		{"unknown category", strings.Replace(coco("[1,1,5,5]", 512), `"battery"`, `"cable"`, 1), images, "not in the project's labels"},
		{"not JSON", `{"images": [`, images, "not valid JSON"},
	}
	p3 := boxProject(t, e, "lego-bad")
	for _, tt := range bad {
		_, _, err := e.s.ImportCOCO(ctx, p3, strings.NewReader(tt.file), tt.imgs)
		pr, ok := problem.As(err)
		if !ok || !strings.Contains(pr.Error(), tt.want) {
			t.Errorf("%s: %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	p3, _ = e.s.BySlug(ctx, "lego-bad")
	if p3.Items != 0 {
		t.Fatalf("failed imports left %d items", p3.Items)
	}
}

// Two workers box the same battery; the COCO export holds their
// consensus, the raw export both boxes with pseudonyms, and YOLO a zip
// with normalised coordinates.
func TestExport(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	images := legoImages(t)
	p := boxProject(t, e, "lego")
	coco := `{"categories":[{"id":1,"name":"battery"}],"images":[{"id":7,"file_name":"IMG20231010083824.jpg","width":512,"height":256}],"annotations":[]}`
	if _, _, err := e.s.ImportCOCO(ctx, p, strings.NewReader(coco), images); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Approve(ctx, e.as("stella"), p.Slug); err != nil {
		t.Fatal(err)
	}
	for i, w := range []string{"ada", "bob"} {
		a, err := e.s.Next(ctx, e.ids[w], p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		e.advance(40 * time.Second)
		box := []string{`{"boxes":[{"label":"battery","x":100,"y":50,"w":120,"h":80}]}`, `{"boxes":[{"label":"battery","x":104,"y":52,"w":118,"h":76}]}`}[i]
		if _, err := e.s.Submit(ctx, e.ids[w], a.ID, []byte(box)); err != nil {
			t.Fatal(err)
		}
	}
	p, _ = e.s.BySlug(ctx, p.Slug)
	var buf bytes.Buffer
	if _, _, err := e.s.Export(ctx, p, work.FormatCOCO, false, &buf); err != nil {
		t.Fatal(err)
	}
	imp, err := annotation.ImportCOCO(bytes.NewReader(buf.Bytes()))
	if err != nil || len(imp.Annotations) != 1 {
		t.Fatalf("consensus export: %v %+v", err, imp)
	}
	if b := imp.Annotations[0].Box; b == nil || b.X != 102 || b.W != 119 {
		t.Fatalf("consensus box %+v, want the mean of both", b)
	}
	buf.Reset()
	if _, _, err := e.s.Export(ctx, p, work.FormatCOCO, true, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"worker": "m-ada"`) && !strings.Contains(buf.String(), `"worker":"m-ada"`) {
		t.Fatalf("raw export lacks the worker pseudonyms: %.400s", buf.String())
	}
	if strings.Contains(buf.String(), "ada@example.org") {
		t.Fatal("an export names a worker")
	}
	buf.Reset()
	if _, _, err := e.s.Export(ctx, p, work.FormatYOLO, false, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "data.yaml") || len(names) < 2 {
		t.Fatalf("yolo zip holds %v", names)
	}
	if _, _, err := e.s.Export(ctx, p, "pdf", false, &buf); !problem.Is(err, problem.Invalid) {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestParseItems(t *testing.T) {
	p := work.Project{TaskType: work.TextClassification, Labels: []string{"positive", "negative"}}
	items, err := work.ParseItems(p, strings.NewReader("{\"text\":\"great\"}\n\n{\"text\":\"awful\",\"gold\":{\"label\":\"negative\"},\"qualification\":true}\n"))
	if err != nil || len(items) != 2 || !items[1].Qualification || items[1].Gold == nil {
		t.Fatalf("items %+v %v", items, err)
	}
	_, err = work.ParseItems(p, strings.NewReader("{\"text\":\"ok\"}\n{\"text\":\"x\",\"gold\":{\"label\":\"meh\"}}\n{\"a\":\"1\"}\n{\"text\":\"q\",\"qualification\":true}\nnot json\n"))
	pr, ok := problem.As(err)
	if !ok || len(pr.Fields) != 4 || pr.Fields["line 2"] == "" || pr.Fields["line 5"] == "" {
		t.Fatalf("bad items: %v", err)
	}
}

func FuzzParseItems(f *testing.F) {
	f.Add("{\"text\":\"great\"}\n", true)
	f.Add("{\"a\":\"x\",\"b\":\"y\",\"gold\":{\"choice\":\"a\"}}\n", false)
	f.Add("{\"text\":\"\\u0000\",\"qualification\":true,\"gold\":{\"label\":\"positive\"}}", true)
	f.Fuzz(func(t *testing.T, body string, classification bool) {
		p := work.Project{TaskType: work.Pairwise}
		if classification {
			p = work.Project{TaskType: work.TextClassification, Labels: []string{"positive", "negative"}}
		}
		items, err := work.ParseItems(p, strings.NewReader(body))
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Text == "" || (p.TaskType == work.Pairwise) != (it.TextB != "") || (it.Qualification && it.Gold == nil) {
				t.Fatalf("accepted a bad item %+v", it)
			}
		}
	})
}

// A Label Studio export imports like a COCO file: tasks become items, its
// rectangles pre-annotations.
func TestImportLabelStudio(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	p := boxProject(t, e, "ls")
	ls := `[{"id":1,"data":{"image":"/data/upload/IMG20231010083824.jpg"},"annotations":[{"result":[{"type":"rectanglelabels","from_name":"box","to_name":"image",
		"original_width":512,"original_height":256,"value":{"x":10,"y":20,"width":50,"height":25,"rectanglelabels":["battery"]}}]}]}]`
	n, _, err := e.s.ImportLabelStudio(ctx, p, strings.NewReader(ls), legoImages(t))
	if err != nil || n != 1 {
		t.Fatalf("label studio import: %d %v", n, err)
	}
	if err := e.s.Approve(ctx, e.as("stella"), p.Slug); err != nil {
		t.Fatal(err)
	}
	a, _ := e.s.Next(ctx, e.ids["ada"], p.Slug)
	task, _ := e.s.Task(ctx, e.ids["ada"], a.ID)
	var pre annotation.Answer
	json.Unmarshal(task.Item.Pre, &pre)
	if len(pre.Boxes) != 1 || pre.Boxes[0].X != 51.2 || pre.Boxes[0].W != 256 {
		t.Fatalf("pre-annotation from percent: %+v", pre.Boxes)
	}
	if _, _, err := e.s.ImportLabelStudio(ctx, boxProject(t, e, "ls2"), strings.NewReader(`[{"data":{}}]`), nil); !problem.Is(err, problem.Invalid) {
		t.Fatalf("bad label studio file: %v", err)
	}
}
