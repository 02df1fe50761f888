package work_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// The lego photos are 512×256 pixels, so normalised coordinates land on
// whole pixels: x × 512, y × 256.
const (
	yoloBoxImage     = "IMG20231010083824.jpg"
	yoloPolygonImage = "IMG20231010083835.jpg"
	yoloBareImage    = "IMG20231010083844.jpg"
)

// yoloImages picks three real photos: one with boxes, one with polygons
// and one without a label file.
func yoloImages(t *testing.T) map[string][]byte {
	t.Helper()
	all := legoImages(t)
	out := map[string][]byte{}
	for _, n := range []string{yoloBoxImage, yoloPolygonImage, yoloBareImage} {
		out[n] = all[n]
	}
	return out
}

func yoloLabels(files ...string) map[string][]byte {
	out := map[string][]byte{}
	for i := 0; i+1 < len(files); i += 2 {
		out[files[i]] = []byte(files[i+1])
	}
	return out
}

func txt(image string) string { return strings.TrimSuffix(image, ".jpg") + ".txt" }

// storedItems returns a project's items by name with their pre-annotations.
func storedItems(t *testing.T, e *env, p work.Project) map[string]annotation.Answer {
	t.Helper()
	rows, err := e.db.Read().QueryContext(t.Context(), `SELECT name, pre FROM items WHERE project_id = $1`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]annotation.Answer{}
	for rows.Next() {
		var name string
		var pre *string
		if err := rows.Scan(&name, &pre); err != nil {
			t.Fatal(err)
		}
		var a annotation.Answer
		if pre != nil {
			if err := json.Unmarshal([]byte(*pre), &a); err != nil {
				t.Fatalf("%s: pre %s: %v", name, *pre, err)
			}
		}
		out[name] = a
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func yoloProject(t *testing.T, e *env, slug string, tt work.TaskType, labels ...string) work.Project {
	t.Helper()
	p, err := e.s.Create(t.Context(), e.as("rita"), work.Project{Slug: slug, Name: "Lego", Client: "Robot Co", Purpose: "find parts",
		Instructions: "Outline each part.", TaskType: tt, Labels: labels, PayPerTask: 40, EstSeconds: 60, Budget: 100000, Redundancy: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A requester uploads three photos, Ultralytics label files for two of
// them (boxes in one, polygons in the other) and a class list: the shapes
// arrive as pre-annotations in the photo's pixels, and the third photo
// comes without any.
func TestImportYOLO(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		images := yoloImages(t)
		boxes := "0 0.5 0.5 0.25 0.5\n\n1 0.125 0.25 0.0625 0.125\n"
		polygons := "1 0.25 0.25 0.5 0.25 0.5 0.75\n"

		// Without a class list, class i is the project's i-th label.
		p := yoloProject(t, e, "lego-boxes", work.BoundingBox, "battery", "cable")
		n, _, err := e.s.ImportYOLO(ctx, p, yoloLabels(txt(yoloBoxImage), boxes, txt(yoloPolygonImage), polygons), images)
		if err != nil || n != 3 {
			t.Fatalf("imported %d items (%v), want 3", n, err)
		}
		items := storedItems(t, e, p)
		wantAnswer(t, items[yoloBoxImage], annotation.Answer{Boxes: []annotation.Box{
			{Label: "battery", Rect: annotation.Rect{X: 192, Y: 64, W: 128, H: 128}},
			{Label: "cable", Rect: annotation.Rect{X: 48, Y: 48, W: 32, H: 32}}}})
		// In a box project a polygon arrives as its bounds.
		wantAnswer(t, items[yoloPolygonImage], annotation.Answer{Boxes: []annotation.Box{
			{Label: "cable", Rect: annotation.Rect{X: 128, Y: 64, W: 128, H: 128}}}})
		wantAnswer(t, items[yoloBareImage], annotation.Answer{})

		// A data.yaml whose order differs from the project's labels maps
		// by name; a polygon project keeps the outline and turns a box
		// into its corners.
		p2 := yoloProject(t, e, "lego-polygons", work.Polygon, "battery", "cable")
		yaml := "path: .\ntrain: images\nnc: 2\nnames:\n  0: cable # swapped\n  1: \"battery\"\n"
		if _, _, err := e.s.ImportYOLO(ctx, p2, yoloLabels("data.yaml", yaml, txt(yoloPolygonImage), polygons, txt(yoloBoxImage), "1 0.5 0.5 0.25 0.5\n"), images); err != nil {
			t.Fatal(err)
		}
		items = storedItems(t, e, p2)
		wantAnswer(t, items[yoloPolygonImage], annotation.Answer{Polygons: []annotation.Polygon{
			{Label: "battery", Points: []annotation.Point{{X: 128, Y: 64}, {X: 256, Y: 64}, {X: 256, Y: 192}}}}})
		wantAnswer(t, items[yoloBoxImage], annotation.Answer{Polygons: []annotation.Polygon{
			{Label: "battery", Points: []annotation.Point{{X: 192, Y: 64}, {X: 320, Y: 64}, {X: 320, Y: 192}, {X: 192, Y: 192}}}}})

		bad := []struct {
			name   string
			labels map[string][]byte
			images map[string][]byte
			want   []string // in the error: the file and line, and what is wrong
		}{
			{"class index beyond the labels", yoloLabels(txt(yoloBoxImage), boxes, txt(yoloPolygonImage), "0 0.5 0.5 0.1 0.1\n0 0.2 0.2 0.1 0.1\n7 0.5 0.5 0.1 0.1\n"), images,
				[]string{"labels IMG20231010083835.txt line 3", `class "7" is not an index of the 2 class names`}},
			{"class list naming other labels", yoloLabels("classes.txt", "battery\ncat\n", txt(yoloBoxImage), boxes), images,
				[]string{"classes.txt class 1", `"cat" is not one of the project's labels (battery, cable)`}},
			{"class list too short", yoloLabels("classes.txt", "battery\n", txt(yoloBoxImage), boxes), images,
				[]string{"labels IMG20231010083824.txt line 3", "not an index of the 1 class names"}},
			{"class named twice", yoloLabels("data.yaml", "names: [battery, battery]\n", txt(yoloBoxImage), boxes), images,
				[]string{"data.yaml", "listed twice"}},
			{"data.yaml without names", yoloLabels("data.yaml", "nc: 2\n", txt(yoloBoxImage), boxes), images,
				[]string{"data.yaml", "no names: list"}},
			{"label file without its image", yoloLabels(txt(yoloBoxImage), boxes, "IMG_missing.txt", "0 0.5 0.5 0.1 0.1\n"), images,
				[]string{"labels IMG_missing.txt", "no image IMG_missing.* was uploaded"}},
			{"box outside the photo", yoloLabels(txt(yoloBoxImage), "0 1.5 0.5 0.25 0.5\n"), images,
				[]string{"labels IMG20231010083824.txt line 1"}},
			{"boxes and polygons mixed", yoloLabels(txt(yoloBoxImage), boxes+polygons), images,
				[]string{"labels IMG20231010083824.txt line 4", "a polygon in a file of boxes"}},
			{"not a label file", yoloLabels(txt(yoloBoxImage), boxes, "notes.md", "hello"), images,
				[]string{"labels notes.md", "not a label file"}},
			{"not an image", yoloLabels(txt(yoloBoxImage), boxes), map[string][]byte{yoloBoxImage: []byte("not a photo")},
				[]string{"image IMG20231010083824.jpg", "not a JPEG, PNG or GIF image"}},
			{"no images", yoloLabels(txt(yoloBoxImage), boxes), nil,
				[]string{"upload the images"}},
		}
		p3 := yoloProject(t, e, "lego-bad", work.BoundingBox, "battery", "cable")
		for _, tt := range bad {
			_, _, err := e.s.ImportYOLO(ctx, p3, tt.labels, tt.images)
			t.Logf("%s: %v", tt.name, err)
			pr, ok := problem.As(err)
			if !ok || pr.Kind != problem.Invalid {
				t.Errorf("%s: %v, want an invalid-input problem", tt.name, err)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(pr.Error(), w) {
					t.Errorf("%s: %q does not mention %q", tt.name, pr.Error(), w)
				}
			}
		}
		if items := storedItems(t, e, p3); len(items) != 0 {
			t.Fatalf("failed imports stored %d items", len(items))
		}

		text := yoloProject(t, e, "texts", work.TextClassification, "positive", "negative")
		if _, _, err := e.s.ImportYOLO(ctx, text, yoloLabels(txt(yoloBoxImage), boxes), images); !problem.Is(err, problem.Invalid) {
			t.Fatalf("YOLO into a text project: %v", err)
		}
	})
}

func wantAnswer(t *testing.T, got, want annotation.Answer) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("pre-annotation\n %s\nwant\n %s", g, w)
	}
}

// FuzzImportYOLONames feeds class lists from outside: whatever they hold,
// the import answers with a problem, never a panic. The image is not one,
// so the import stops before it needs a database.
func FuzzImportYOLONames(f *testing.F) {
	for _, s := range []string{"names: [a, b]\n", "names:\n  - a\n  - 'b''s'\n", "names:\n  0: a\n  1: \"b\\u00e9\"\n", "names:\n  1: a\n", "names: [\"a, b]\n", "nc: 1\n"} {
		f.Add("data.yaml", s)
	}
	f.Add("classes.txt", "a\nb\n\n")
	s := work.NewService(nil, nil, nil, nil)
	p := work.Project{TaskType: work.BoundingBox, Labels: []string{"a", "b"}}
	f.Fuzz(func(t *testing.T, name, data string) {
		_, _, err := s.ImportYOLO(t.Context(), p, map[string][]byte{name: []byte(data), "x.txt": []byte("0 0.5 0.5 0.1 0.1")}, map[string][]byte{"x.jpg": []byte("x")})
		if !problem.Is(err, problem.Invalid) {
			t.Fatalf("%v, want an invalid-input problem", err)
		}
	})
}

// TestYOLOUploadProblemsAreCapped: a folder of files whose names cannot be
// kept (control characters, two files of one name) is reported like any
// other YOLO problem, at most annotation.MaxProblems of them and "and more
// problems", not one field per file.
func TestYOLOUploadProblemsAreCapped(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	p := yoloProject(t, e, "lego-names", work.BoundingBox, "battery", "cable")
	images := yoloImages(t)
	labels := yoloLabels(txt(yoloBoxImage), "0 0.5 0.5 0.25 0.5\n")
	for i := range 3 * annotation.MaxProblems {
		images[fmt.Sprintf("photo\x01%d.jpg", i)] = images[yoloBoxImage]
		labels[fmt.Sprintf("photo\x01%d.txt", i)] = []byte("0 0.5 0.5 0.25 0.5\n")
	}
	_, _, err := e.s.ImportYOLO(t.Context(), p, labels, images)
	pr, ok := problem.As(err)
	if !ok || pr.Kind != problem.Invalid {
		t.Fatalf("%v, want an invalid-input problem", err)
	}
	if len(pr.Fields) > annotation.MaxProblems+1 || pr.Fields["more"] == "" {
		t.Fatalf("%d problems reported, want at most %d and \"more\"", len(pr.Fields), annotation.MaxProblems+1)
	}
}
