package annotation

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestDatasetValidate(t *testing.T) {
	if err := worked().Validate(); err != nil {
		t.Fatalf("the example dataset: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Dataset)
		want   []string
	}{
		{"duplicate category id and name", func(d *Dataset) {
			d.Categories = append(d.Categories, Category{ID: 1, Name: "x"}, Category{ID: 7, Name: "cat"})
		}, []string{"categories[2]: duplicate id 1", `categories[3]: duplicate name "cat"`}},
		{"bad category name", func(d *Dataset) { d.Categories[1].Name = "cat\n" },
			[]string{`categories[1]: name "cat\n": begins or ends with white space`, `annotations[2]: label "cat" is not a category`}},
		{"duplicate image id and file name", func(d *Dataset) {
			d.Images = append(d.Images, Image{ID: 1, FileName: "x.jpg", Width: 1, Height: 1}, Image{ID: 9, FileName: "two.png", Width: 1, Height: 1})
		}, []string{"images[3]: duplicate id 1", `images[4]: duplicate file name "two.png"`}},
		{"bad file name and size", func(d *Dataset) { d.Images[2].FileName, d.Images[2].Width = "/abs.jpg", -1 },
			[]string{`images[2]: file name "/abs.jpg": not a relative slash-separated path without "." or ".." elements`,
				"images[2]: size -1×10: width and height must be 1 to 100000"}},
		{"shapes on an image of unknown size", func(d *Dataset) { d.Images[0].Width, d.Images[0].Height = 0, 0 },
			[]string{"annotations[0].box: image size unknown", "annotations[1].polygons[0].points[0]: image size unknown",
				"annotations[1].polygons[0].points[1]: image size unknown", "annotations[1].polygons[0].points[2]: image size unknown"}},
		{"degenerate polygon", func(d *Dataset) { d.Annotations[1].Polygons[0] = []Point{{1, 1}, {2, 2}, {3, 3}} },
			[]string{"annotations[1].polygons[0]: degenerate (zero area)"}},
		{"bad area, worker and attributes", func(d *Dataset) {
			d.Annotations[0].Area = -2
			d.Annotations[0].Worker = "w\x00"
			d.Annotations[2].Attributes = map[string]any{"x": math.NaN()}
		}, []string{`annotations[0]: worker "w\x00": contains a control character`, "annotations[0]: area must be a finite number ≥ 0",
			"annotations[2]: attributes cannot be written as JSON: json: unsupported value: NaN"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := worked()
			ds.Annotations[1].Polygons = [][]Point{slices.Clone(ds.Annotations[1].Polygons[0])}
			tc.change(&ds)
			if ps := problemsOf(t, ds.Validate()); !slices.Equal(ps, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", ps, tc.want)
			}
		})
	}
	// Images of unknown size are fine without shapes, and ids of 0 are
	// left for exporters to number.
	ds := worked()
	ds.Images[2].Width, ds.Images[2].Height = 0, 0
	ds.Annotations = append(ds.Annotations, Annotation{ImageID: 3, Label: "cat"}, Annotation{ImageID: 3, Label: "cat"})
	if err := ds.Validate(); err != nil {
		t.Error(err)
	}
}

func TestAnnotationsFrom(t *testing.T) {
	got := AnnotationsFrom(5, "w", Answer{Boxes: []Box{box("cat", 1, 2, 3, 4)}, Polygons: []Polygon{poly("dog", 0, 0, 1, 0, 1, 1)}})
	want := []Annotation{
		{ImageID: 5, Label: "cat", Box: &Rect{1, 2, 3, 4}, Worker: "w"},
		{ImageID: 5, Label: "dog", Polygons: [][]Point{{{0, 0}, {1, 0}, {1, 1}}}, Worker: "w"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s", dump(got))
	}
	if got := AnnotationsFrom(5, "w", Answer{Label: "cat"}); !reflect.DeepEqual(got, []Annotation{{ImageID: 5, Label: "cat", Worker: "w"}}) {
		t.Errorf("classification: %s", dump(got))
	}
	if got := AnnotationsFrom(5, "w", Answer{Choice: "a"}); got != nil {
		t.Errorf("pairwise: %s", dump(got))
	}
}

func TestPreAnnotations(t *testing.T) {
	ds := worked()
	ds.Annotations = append(ds.Annotations,
		Annotation{ImageID: 3, Label: "cat"}, Annotation{ImageID: 3, Label: "battery"}, Annotation{ImageID: 3, Label: "cat"},
		Annotation{ImageID: 2, Label: "battery"})
	tests := []struct {
		t    TaskType
		want map[int64]Answer
	}{
		{BoundingBox, map[int64]Answer{
			1: {Boxes: []Box{box("battery", 10, 20, 100, 50), box("battery", 10, 20, 100, 70)}},
			2: {Boxes: []Box{box("cat", 0, 0, 100, 100)}},
		}},
		{PolygonOutline, map[int64]Answer{
			1: {Polygons: []Polygon{poly("battery", 10, 20, 110, 20, 110, 70, 10, 70), poly("battery", 10, 20, 110, 20, 60, 90)}},
			2: {Polygons: []Polygon{poly("cat", 0, 0, 100, 0, 100, 100, 0, 100)}},
		}},
		{ImageClassification, map[int64]Answer{2: {Label: "battery"}, 3: {Label: "cat"}}},
		{Pairwise, map[int64]Answer{}},
	}
	for _, tc := range tests {
		if got := ds.PreAnnotations(tc.t); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.t, dump(got), dump(tc.want))
		}
	}
}
