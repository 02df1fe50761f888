package work_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestExportRoundTripsEveryFittingFormat: for every task type, two workers
// answer, and every format the task type offers is exported with every
// answer (raw), parsed back with the format's own importer, and must give
// back exactly the answers submitted — the shapes to a pixel, the labels,
// choices and reasons to the letter, each under its worker (YOLO names no
// worker, so there the shapes per image are compared). Every other format
// is refused with a problem that names the fitting ones.
func TestExportRoundTripsEveryFittingFormat(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	images := legoImages(t)
	const image = "IMG20231010083824.jpg" // 512×256
	cases := []struct {
		taskType work.TaskType
		labels   []string
		texts    [][2]string // text items; none means one image
		answers  map[string][]string
		formats  []string
	}{
		{taskType: work.BoundingBox, labels: []string{"battery", "cable"},
			answers: map[string][]string{
				"ada": {`{"boxes":[{"label":"battery","x":100,"y":50,"w":120,"h":80},{"label":"cable","x":300,"y":10,"w":40,"h":200}]}`},
				"bob": {`{"boxes":[{"label":"battery","x":104,"y":52,"w":118,"h":76}]}`}},
			formats: []string{"coco", "yolo", "labelstudio"}},
		{taskType: work.Polygon, labels: []string{"battery"},
			answers: map[string][]string{
				"ada": {`{"polygons":[{"label":"battery","points":[[10,10],[200,20],[150,180],[20,100]]}]}`},
				"bob": {`{"polygons":[{"label":"battery","points":[[12,11],[198,22],[40,150]]}]}`}},
			formats: []string{"coco", "yolo", "labelstudio"}},
		{taskType: work.ImageClassification, labels: []string{"battery", "empty"},
			answers: map[string][]string{"ada": {`{"label":"battery"}`}, "bob": {`{"label":"empty"}`}},
			formats: []string{"labelstudio", "csv", "votes"}},
		{taskType: work.TextClassification, labels: []string{"positive", "negative"},
			texts:   [][2]string{{"Great shop, \"fast\" delivery,\nwould buy again", ""}, {"Broken on arrival", ""}},
			answers: map[string][]string{"ada": {`{"label":"positive"}`, `{"label":"negative"}`}, "bob": {`{"label":"positive"}`, `{"label":"positive"}`}},
			formats: []string{"labelstudio", "csv", "votes"}},
		{taskType: work.Pairwise,
			texts: [][2]string{{"Paris is the capital of France.", "France's capital is Lyon."}, {"Water boils at 100 °C at sea level.", "Water boils at 90 °C, always."}},
			answers: map[string][]string{"ada": {`{"choice":"a","reason":"B is wrong, Lyon is not the capital"}`, `{"choice":"a","reason":"B ignores pressure, \"always\" is false"}`},
				"bob": {`{"choice":"b","reason":"shorter"}`, `{"choice":"a","reason":"correct"}`}},
			formats: []string{"labelstudio", "csv", "votes"}},
	}
	all := []string{"coco", "yolo", "labelstudio", "csv", "votes"}
	for _, tc := range cases {
		t.Run(string(tc.taskType), func(t *testing.T) {
			slug := strings.ReplaceAll(string(tc.taskType), "_", "-")
			p, err := e.s.Create(ctx, e.as("rita"), work.Project{Slug: slug, Name: "Round trip", Client: "Robot Co", Purpose: "test the exports",
				Instructions: "Answer.", TaskType: tc.taskType, Labels: tc.labels, PayPerTask: 40, EstSeconds: 60, Budget: 100000, Redundancy: 2})
			if err != nil {
				t.Fatal(err)
			}
			if tc.texts == nil {
				coco := `{"categories":[],"images":[{"id":7,"file_name":"` + image + `","width":512,"height":256}],"annotations":[]}`
				if _, _, err := e.s.ImportCOCO(ctx, p, strings.NewReader(coco), images); err != nil {
					t.Fatal(err)
				}
			} else {
				var items []work.NewItem
				for i, tx := range tc.texts {
					items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("item %d", i+1), Text: tx[0], TextB: tx[1]}})
				}
				if err := e.s.AddItems(ctx, p.ID, items); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.s.Approve(ctx, e.as("stella"), slug); err != nil {
				t.Fatal(err)
			}
			// want holds "item worker answer" lines in canonical form.
			var want []string
			itemNames := map[int64]string{}
			for _, w := range []string{"ada", "bob"} {
				for _, raw := range tc.answers[w] {
					a, err := e.s.Next(ctx, e.ids[w], slug)
					if err != nil {
						t.Fatalf("%s next: %v", w, err)
					}
					e.advance(30 * time.Second)
					task, err := e.s.Submit(ctx, e.ids[w], a.ID, []byte(raw))
					if err != nil {
						t.Fatalf("%s submit %s: %v", w, raw, err)
					}
					var ans annotation.Answer
					if err := json.Unmarshal([]byte(raw), &ans); err != nil {
						t.Fatal(err)
					}
					itemNames[task.Item.ID] = task.Item.Name
					want = append(want, answerLines(task.Item.ID, "m-"+w, ans)...)
				}
			}
			slices.Sort(want)
			p, _ = e.s.BySlug(ctx, slug)
			if got := formatNames(work.Formats(tc.taskType)); !slices.Equal(got, tc.formats) {
				t.Fatalf("formats %v, want %v", got, tc.formats)
			}
			for _, f := range all {
				var buf bytes.Buffer
				_, name, err := e.s.Export(ctx, p, f, true, &buf)
				if !slices.Contains(tc.formats, f) {
					pr, ok := problem.As(err)
					if !ok || pr.Kind != problem.Invalid || !strings.Contains(pr.Fields["format"], strings.Join(tc.formats[:2], ", ")) {
						t.Errorf("%s: %v (%+v), want a refusal naming %v", f, err, pr, tc.formats)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", f, err)
					continue
				}
				got, withWorkers := readBack(t, tc.taskType, f, name, buf.Bytes(), itemNames)
				w := want
				if !withWorkers {
					w = withoutWorkers(want, itemNames)
				}
				if f == "votes" {
					w = withoutReasons(want)
				}
				if !slices.Equal(got, w) {
					t.Errorf("%s read back\n%s\nwant\n%s\nfile: %.600s", f, strings.Join(got, "\n"), strings.Join(w, "\n"), buf.String())
				}
			}
		})
	}
}

func formatNames(fs []work.Format) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// answerLines writes an answer as sorted lines "item worker what", shapes
// rounded to whole pixels (YOLO keeps six decimals of the image size) and
// polygons in canonical order.
func answerLines(item int64, worker string, a annotation.Answer) []string {
	a = a.Canonical()
	at := strconv.FormatInt(item, 10) + " " + worker + " "
	var out []string
	for _, b := range a.Boxes {
		out = append(out, at+fmt.Sprintf("box %s %.0f %.0f %.0f %.0f", b.Label, b.X, b.Y, b.W, b.H))
	}
	for _, p := range a.Polygons {
		s := at + "polygon " + p.Label
		for _, pt := range p.Points {
			s += fmt.Sprintf(" %.0f,%.0f", pt.X, pt.Y)
		}
		out = append(out, s)
	}
	if a.Label != "" {
		out = append(out, at+"label "+a.Label)
	}
	if a.Choice != "" {
		out = append(out, at+"choice "+a.Choice+" "+strconv.Quote(a.Reason))
	}
	return out
}

// withoutWorkers is want for a format without workers: the image's name
// for the item, no worker.
func withoutWorkers(want []string, names map[int64]string) []string {
	var out []string
	for _, l := range want {
		f := strings.SplitN(l, " ", 3)
		id, _ := strconv.ParseInt(f[0], 10, 64)
		out = append(out, names[id]+" - "+f[2])
	}
	slices.Sort(out)
	return out
}

// readBack parses an export with the format's importer into answer lines,
// and says whether the format names workers.
func readBack(t *testing.T, tt work.TaskType, format, name string, data []byte, names map[int64]string) ([]string, bool) {
	t.Helper()
	at := annotation.TaskType(tt)
	var lines []string
	fromDataset := func(ds annotation.Dataset) {
		for _, an := range ds.Annotations {
			var a annotation.Answer
			switch {
			case an.Box != nil && tt == work.BoundingBox:
				a.Boxes = []annotation.Box{{Label: an.Label, Rect: *an.Box}}
			case len(an.Polygons) > 0:
				a.Polygons = []annotation.Polygon{{Label: an.Label, Points: an.Polygons[0]}}
			default:
				a.Label = an.Label
			}
			lines = append(lines, answerLines(an.ImageID, an.Worker, a)...)
		}
	}
	fromItems := func(items []annotation.AnsweredItem) {
		for _, it := range items {
			if tt != work.ImageClassification && it.Name != names[it.ID] {
				t.Errorf("%s: item %d is named %q, want %q", format, it.ID, it.Name, names[it.ID])
			}
			for _, a := range it.Answers {
				lines = append(lines, answerLines(it.ID, a.Worker, annotation.Answer{Label: a.Label, Choice: a.Choice, Reason: a.Reason})...)
			}
		}
	}
	switch format {
	case "coco":
		imp, err := annotation.ImportCOCO(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("coco: %v", err)
		}
		fromDataset(imp.Dataset)
	case "labelstudio":
		if tt == work.TextClassification || tt == work.Pairwise {
			items, err := annotation.ImportLabelStudioTexts(bytes.NewReader(data), at)
			if err != nil {
				t.Fatalf("labelstudio: %v", err)
			}
			fromItems(items)
			break
		}
		imp, err := annotation.ImportLabelStudio(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("labelstudio: %v", err)
		}
		fromDataset(imp.Dataset)
	case "csv":
		items, err := annotation.ImportAnswerTable(bytes.NewReader(data), at)
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		fromItems(items)
	case "votes":
		votes, err := annotation.ImportCSV(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("votes: %v", err)
		}
		// The votes file holds the choice but not the reason.
		for _, v := range votes {
			id, _ := strconv.ParseInt(v.Question, 10, 64)
			a := annotation.Answer{Label: v.Answer}
			if tt == work.Pairwise {
				a = annotation.Answer{Choice: v.Answer}
			}
			lines = append(lines, answerLines(id, v.Worker, a)...)
		}
	case "yolo":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("yolo %s: %v", name, err)
		}
		var labelNames []string
		files := map[string][]byte{}
		for _, f := range zr.File {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			files[f.Name] = b
		}
		for _, l := range strings.Split(string(files["data.yaml"]), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(l), ": "); ok && k != "" && k[0] >= '0' && k[0] <= '9' {
				labelNames = append(labelNames, strings.Trim(v, `"`))
			}
		}
		for fn, b := range files {
			if !strings.HasPrefix(fn, "labels/") {
				continue
			}
			anns, err := annotation.ImportYOLO(bytes.NewReader(b), 512, 256, labelNames)
			if err != nil {
				t.Fatalf("yolo %s: %v (names %v)", fn, err, labelNames)
			}
			stem := strings.TrimSuffix(path.Base(fn), ".txt")
			for _, an := range anns {
				var a annotation.Answer
				if tt == work.BoundingBox {
					a.Boxes = []annotation.Box{{Label: an.Label, Rect: *an.Box}}
				} else {
					a.Polygons = []annotation.Polygon{{Label: an.Label, Points: an.Polygons[0]}}
				}
				for _, l := range answerLines(0, "-", a) {
					lines = append(lines, stem+".jpg"+strings.TrimPrefix(l, "0"))
				}
			}
		}
		slices.Sort(lines)
		return lines, false
	}
	slices.Sort(lines)
	return lines, true
}

// withoutReasons is want for the votes file, which holds a pairwise
// choice without its reason.
func withoutReasons(want []string) []string {
	var out []string
	for _, l := range want {
		if k := strings.Index(l, " choice "); k >= 0 {
			l = l[:k+len(" choice a")] + ` ""`
		}
		out = append(out, l)
	}
	return out
}
