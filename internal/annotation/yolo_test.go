package annotation

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// exportYOLO runs ExportYOLO into a map of file name to content.
func exportYOLO(t *testing.T, ds Dataset) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := ExportYOLO(ds, func(name string, data []byte) error {
		if _, dup := files[name]; dup {
			t.Errorf("%s written twice", name)
		}
		files[name] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExportYOLOBoxes(t *testing.T) {
	ds := Dataset{
		Categories: CategoriesOf([]string{"battery", `say "cheese"`}),
		Images:     []Image{{ID: 1, FileName: "images/sub/one.jpg", Width: 512, Height: 256}, {ID: 2, FileName: "two.jpeg", Width: 10, Height: 10}},
		Annotations: []Annotation{
			{ImageID: 1, Label: "battery", Box: &Rect{10, 20, 100, 50}},
			{ImageID: 1, Label: `say "cheese"`, Box: &Rect{0, 0, 512, 256}},
		},
	}
	files := exportYOLO(t, ds)
	want := map[string]string{
		"data.yaml": "# Ultralytics YOLO dataset exported by Allmende.\n# Images go in images/, next to labels/.\n" +
			"path: .\ntrain: images\nval: images\nnc: 2\nnames:\n  0: \"battery\"\n  1: \"say \\\"cheese\\\"\"\n",
		"labels/sub/one.txt": "0 0.117188 0.175781 0.195312 0.195312\n1 0.500000 0.500000 1.000000 1.000000\n",
		"labels/two.txt":     "",
	}
	if len(files) != len(want) {
		t.Errorf("files %q", slices.Sorted(mapKeys(files)))
	}
	for name, content := range want {
		if files[name] != content {
			t.Errorf("%s:\n got %q\nwant %q", name, files[name], content)
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestExportYOLOSegments(t *testing.T) {
	files := exportYOLO(t, worked())
	// With a polygon in the dataset every line is a polygon; the box of
	// image 1 becomes its corners.
	want := "0 0.019531 0.078125 0.214844 0.078125 0.214844 0.273438 0.019531 0.273438\n" +
		"0 0.019531 0.078125 0.214844 0.078125 0.117188 0.351562\n"
	if got := files["labels/one.txt"]; got != want {
		t.Errorf("labels/one.txt:\n got %q\nwant %q", got, want)
	}
	if got := files["labels/two.txt"]; got != "1 0.000000 0.000000 1.000000 0.000000 1.000000 1.000000 0.000000 1.000000\n" {
		t.Errorf("labels/two.txt: %q", got)
	}
}

// Every label file ExportYOLO writes imports back to its image's shapes,
// to YOLO's precision of 1e-6 of the image size.
func TestYOLORoundTrip(t *testing.T) {
	boxes := worked()
	boxes.Annotations = slices.DeleteFunc(slices.Clone(boxes.Annotations), func(an Annotation) bool { return an.Box == nil })
	for _, ds := range []Dataset{boxes, importCOCOFile(t, cocoSmall(t)).Dataset} {
		files := exportYOLO(t, ds)
		anns := byImage(ds.Annotations)
		for _, im := range ds.Images {
			got, err := ImportYOLO(strings.NewReader(files[yoloLabelPath(im.FileName)]), im.Width, im.Height, ds.Labels())
			if err != nil {
				t.Fatalf("image %d: %v", im.ID, err)
			}
			var want []Annotation
			for _, k := range anns[im.ID] {
				an := ds.Annotations[k]
				for _, p := range an.Polygons {
					want = append(want, Annotation{Label: an.Label, Polygons: [][]Point{p}})
				}
				if len(an.Polygons) == 0 {
					want = append(want, Annotation{Label: an.Label, Box: an.Box})
				}
			}
			tol := 1e-6 * float64(max(im.Width, im.Height))
			if !slices.EqualFunc(got, want, func(a, b Annotation) bool { return shapesNear(a, b, tol) }) {
				t.Errorf("image %d:\n got %s\nwant %s", im.ID, dump(got), dump(want))
			}
		}
	}
}

// shapesNear compares label and geometry up to tol pixels.
func shapesNear(a, b Annotation, tol float64) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= tol }
	if a.Label != b.Label || (a.Box == nil) != (b.Box == nil) || len(a.Polygons) != len(b.Polygons) {
		return false
	}
	if a.Box != nil && !(near(a.Box.X, b.Box.X) && near(a.Box.Y, b.Box.Y) && near(a.Box.W, b.Box.W) && near(a.Box.H, b.Box.H)) {
		return false
	}
	for i := range a.Polygons {
		if !slices.EqualFunc(a.Polygons[i], b.Polygons[i], func(p, q Point) bool { return near(p.X, q.X) && near(p.Y, q.Y) }) {
			return false
		}
	}
	return true
}

func TestExportYOLORefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Dataset)
		want   string
	}{
		{"whole-image label", func(d *Dataset) { d.Annotations = append(d.Annotations, Annotation{ImageID: 3, Label: "cat"}) },
			"annotations[3]: no box or polygon; YOLO detection has no whole-image labels"},
		{"same label file", func(d *Dataset) { d.Images[2].FileName = "images/one.png" },
			`images[2]: file name "images/one.png" has the same label file labels/one.txt as "images/one.jpg"`},
		{"invalid dataset", func(d *Dataset) { d.Annotations[0].Label = "dog" }, `annotations[0]: label "dog" is not a category`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := worked()
			tc.change(&ds)
			wrote := 0
			err := ExportYOLO(ds, func(string, []byte) error { wrote++; return nil })
			if ps := problemsOf(t, err); !slices.Contains(ps, tc.want) {
				t.Errorf("problems %q, want %q among them", ps, tc.want)
			}
			if wrote != 0 {
				t.Errorf("wrote %d files before refusing", wrote)
			}
		})
	}
	failing := errors.New("disk full")
	if err := ExportYOLO(worked(), func(string, []byte) error { return failing }); !errors.Is(err, failing) {
		t.Errorf("write error lost: %v", err)
	}
}

func TestImportYOLO(t *testing.T) {
	names := []string{"cat", "dog"}
	got, err := ImportYOLO(strings.NewReader("0 0.5 0.5 0.2 0.4\n\n  1 0.25 0.5 0.5 0.5  \r\n1 0.9005 0.5 0.2 0.2\n"), 200, 100, names)
	if err != nil {
		t.Fatal(err)
	}
	want := []Annotation{
		{Label: "cat", Box: &Rect{80, 30, 40, 40}},
		{Label: "dog", Box: &Rect{0, 25, 100, 50}},
		{Label: "dog", Box: &Rect{160.1, 40, 39.9, 20}}, // 0.1 px over the edge: clamped
	}
	if !slices.EqualFunc(got, want, func(a, b Annotation) bool { return shapesNear(a, b, 1e-9) }) {
		t.Errorf("boxes\n got %s\nwant %s", dump(got), dump(want))
	}
	got, err = ImportYOLO(strings.NewReader("1 0 0 1 0 1 1\n0 0.5 0.5 0.75 0.5 0.5 1 0.25 0.5\n"), 200, 100, names)
	if err != nil {
		t.Fatal(err)
	}
	want = []Annotation{
		{Label: "dog", Polygons: [][]Point{{{0, 0}, {200, 0}, {200, 100}}}},
		{Label: "cat", Polygons: [][]Point{{{100, 50}, {150, 50}, {100, 100}, {50, 50}}}},
	}
	if !slices.EqualFunc(got, want, func(a, b Annotation) bool { return shapesNear(a, b, 1e-9) }) {
		t.Errorf("polygons\n got %s\nwant %s", dump(got), dump(want))
	}
	if got, err := ImportYOLO(strings.NewReader(""), 1, 1, nil); err != nil || len(got) != 0 {
		t.Errorf("empty file: %v, %v", got, err)
	}
}

func TestImportYOLORefuses(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"unknown class", "2 0.5 0.5 0.1 0.1\n-1 0.5 0.5 0.1 0.1\nx 0.5 0.5 0.1 0.1\n",
			[]string{`line 1: class "2" is not an index of the 2 class names`, `line 2: class "-1" is not an index of the 2 class names`,
				`line 3: class "x" is not an index of the 2 class names`}},
		{"wrong count", "0 0.5 0.5 0.1\n0 1 2 3 4 5 6 7\n0 0.1 0.1 0.2 0.2 0.3\n",
			[]string{"line 1: want 4 numbers (a box) or an even number of at least 6 (a polygon), got 3",
				"line 2: want 4 numbers (a box) or an even number of at least 6 (a polygon), got 7",
				"line 3: want 4 numbers (a box) or an even number of at least 6 (a polygon), got 5"}},
		{"not finite", "0 0.5 NaN 0.1 0.1\n0 0.5 0.5 Inf 0.1\n0 0.5 1e999 0.1 0.1\n",
			[]string{`line 1: "NaN" is not a finite number`, `line 2: "Inf" is not a finite number`, `line 3: "1e999" is not a finite number`}},
		{"zero size and outside", "0 0.5 0.5 0 0.1\n0 0.99 0.5 0.1 0.1\n",
			[]string{"line 1: zero size", "line 2: outside the 100×100 image"}},
		{"polygon problems", "0 0 0 0.5 0.5 1 1\n0 0 0 1 0 2 2\n",
			[]string{"line 1: degenerate (zero area)", "line 2.points[2]: outside the 100×100 image"}},
		{"boxes and polygons mixed", "0 0.5 0.5 0.1 0.1\n0 0 0 1 0 1 1\n0 0.5 0.5 0.2 0.2\n",
			[]string{"line 2: a polygon in a file of boxes (line 1); Ultralytics reads a file as all boxes or all polygons"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ImportYOLO(strings.NewReader(tc.file), 100, 100, []string{"cat", "dog"})
			if err == nil {
				t.Fatalf("accepted: %s", dump(got))
			}
			if ps := problemsOf(t, err); !slices.Equal(ps, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", ps, tc.want)
			}
		})
	}
	if _, err := ImportYOLO(strings.NewReader(""), 0, 10, nil); !errors.Is(err, ErrSpec) {
		t.Errorf("zero width: %v", err)
	}
	if _, err := ImportYOLO(strings.NewReader(""), 10, 10, []string{"a", "a"}); !errors.Is(err, ErrSpec) {
		t.Errorf("duplicate names: %v", err)
	}
	if _, err := ImportYOLO(repeated('0', MaxYOLOBytes+1), 10, 10, []string{"a"}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized file: %v", err)
	}
}
