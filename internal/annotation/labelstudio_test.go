package annotation

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// lsExport is shaped like Label Studio's own JSON export: ids, timestamps,
// completed_by, and results of several tools.
const lsExport = `[
 {"id": 11, "project": 83, "created_at": "2021-03-09T21:52:49.513742Z",
  "data": {"image": "/data/upload/83/5c1a-cat.jpg"},
  "annotations": [{
    "id": 1001, "completed_by": 10, "was_cancelled": false, "ground_truth": false, "lead_time": 4.288,
    "result": [
      {"id": "r1", "from_name": "tag", "to_name": "img", "source": "$image", "type": "rectanglelabels",
       "original_width": 200, "original_height": 100, "image_rotation": 0,
       "value": {"x": 10, "y": 20, "width": 25, "height": 50, "rotation": 0, "rectanglelabels": ["cat"]}},
      {"id": "r2", "from_name": "outline", "to_name": "img", "type": "polygonlabels",
       "original_width": 200, "original_height": 100, "image_rotation": 0,
       "value": {"points": [[0, 0], [50, 0], [50, 100.5]], "polygonlabels": ["dog"], "closed": true}},
      {"id": "r1", "from_name": "pose", "to_name": "img", "type": "choices", "value": {"choices": ["sitting"]}},
      {"id": "k1", "from_name": "kp", "to_name": "img", "type": "keypointlabels",
       "original_width": 200, "original_height": 100, "value": {"x": 1, "y": 2, "width": 1, "keypointlabels": ["nose"]}},
      {"id": "c1", "from_name": "scene", "to_name": "img", "type": "choices", "value": {"choices": ["indoor"]}}
    ]},
    {"id": 1002, "was_cancelled": true, "result": [
      {"id": "x", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
       "value": {"x": 0, "y": 0, "width": 1, "height": 1, "rectanglelabels": ["cat"]}}]}
  ],
  "predictions": [{"model_version": "model 1", "score": 0.75, "result": [
      {"id": "p1", "from_name": "tag", "to_name": "img", "type": "rectanglelabels",
       "original_width": 200, "original_height": 100,
       "value": {"x": 50, "y": 0, "width": 10, "height": 10, "rotation": 90, "rectanglelabels": ["cat"]}},
      {"id": "p2", "from_name": "tag", "to_name": "img", "type": "rectanglelabels", "score": 0.5,
       "original_width": 200, "original_height": 100,
       "value": {"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["cat", "dog"]}}
  ]}]
 },
 {"data": {"image": "/data/local-files/?d=photos/b.jpg"}},
 {"id": 3, "data": {"image": "s3://bucket/x/c.jpg"}, "annotations": []},
 {"id": 4, "data": {"image": "images/d.jpg"}}
]`

func TestImportLabelStudio(t *testing.T) {
	imp, err := ImportLabelStudio(strings.NewReader(lsExport))
	if err != nil {
		t.Fatal(err)
	}
	wantImages := []Image{
		{ID: 11, FileName: "5c1a-cat.jpg", Width: 200, Height: 100, URL: "/data/upload/83/5c1a-cat.jpg"},
		{ID: 1, FileName: "b.jpg", URL: "/data/local-files/?d=photos/b.jpg"}, // the smallest unused id
		{ID: 3, FileName: "c.jpg", URL: "s3://bucket/x/c.jpg"},
		{ID: 4, FileName: "images/d.jpg"},
	}
	if !reflect.DeepEqual(imp.Images, wantImages) {
		t.Errorf("images\n got %+v\nwant %+v", imp.Images, wantImages)
	}
	if !slices.Equal(imp.Labels(), []string{"cat", "dog", "indoor"}) {
		t.Errorf("labels %q", imp.Labels())
	}
	wantAnns := []Annotation{
		{ID: 1, ImageID: 11, Label: "cat", Box: &Rect{20, 20, 50, 50}},
		{ID: 2, ImageID: 11, Label: "dog", Polygons: [][]Point{{{0, 0}, {100, 0}, {100, 100}}}}, // 100.5 % clamped
		{ID: 3, ImageID: 11, Label: "indoor"},
		// Rotated 90° clockwise about the top-left corner (100, 0).
		{ID: 4, ImageID: 11, Label: "cat", Polygons: [][]Point{{{100, 0}, {100, 20}, {90, 20}, {90, 0}}}, Score: ptr(0.75)},
		{ID: 5, ImageID: 11, Label: "cat", Box: &Rect{0, 0, 20, 10}, Score: ptr(0.5)},
		{ID: 6, ImageID: 11, Label: "dog", Box: &Rect{0, 0, 20, 10}, Score: ptr(0.5)},
	}
	if len(imp.Annotations) != len(wantAnns) {
		t.Fatalf("annotations\n got %s\nwant %s", dump(imp.Annotations), dump(wantAnns))
	}
	for i, want := range wantAnns {
		got := imp.Annotations[i]
		if got.ID != want.ID || got.ImageID != want.ImageID || !reflect.DeepEqual(got.Score, want.Score) || !shapesNear(got, want, 1e-9) {
			t.Errorf("annotation %d\n got %s\nwant %s", i, dump(got), dump(want))
		}
	}
	// Skipped: the per-region choice, the keypoint, the cancelled rectangle.
	if imp.SkippedResults != 3 || len(imp.Warnings) != 3 {
		t.Errorf("%d skipped, warnings %v", imp.SkippedResults, imp.Warnings)
	}
	if err := imp.Validate(); err != nil {
		t.Error(err)
	}
}

func TestImportLabelStudioRefuses(t *testing.T) {
	rect := func(extra string) string {
		return `{"id": 1, "data": {"image": "a.jpg"}, "annotations": [{"result": [` + extra + `]}]}`
	}
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"not a list of tasks", `"tasks"`, []string{"want a list of tasks: want a list, got string"}},
		{"missing image", `[{"id": 1, "data": {"text": "hello"}}, {"id": 2}]`, []string{"task 1: data.image is missing", "task 2: data.image is missing"}},
		{"image not a string", `[{"id": 1, "data": {"image": 5}}]`, []string{"task 1: data.image must be a non-empty string"}},
		{"duplicate ids and file names", `[{"id": 1, "data": {"image": "/x/a.jpg"}}, {"id": 1, "data": {"image": "/y/a.jpg"}}]`,
			[]string{"tasks[1]: duplicate id 1", `task 1: file name "a.jpg" is also task 1's`}},
		{"file name that names no file", `[{"id": 1, "data": {"image": "../.."}}]`,
			[]string{`task 1: data.image "../..": cannot take a file name from it: empty`}},
		{"no original size", "[" + rect(`{"type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["cat"]}}`) + "]",
			[]string{"task 1: a rectanglelabels result has no original_width and original_height"}},
		{"sizes disagree", "[" + rect(`{"type": "rectanglelabels", "original_width": 10, "original_height": 10, "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["cat"]}},
			{"type": "polygonlabels", "original_width": 20, "original_height": 10, "value": {"points": [[1,1],[2,1],[2,2]], "polygonlabels": ["cat"]}}`) + "]",
			[]string{"task 1: results disagree on the original size: 10×10 and 20×10"}},
		{"fractional size", "[" + rect(`{"type": "rectanglelabels", "original_width": 10.5, "original_height": 10, "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["cat"]}}`) + "]",
			[]string{"task 1: original size 10.5×10: want whole numbers 1 to 100000"}},
		{"shape problems", "[" + rect(`{"type": "rectanglelabels", "original_width": 100, "original_height": 100, "value": {"x": 1, "y": 1, "width": 0, "height": 1, "rectanglelabels": ["cat"]}},
			{"type": "rectanglelabels", "original_width": 100, "original_height": 100, "value": {"x": 95, "y": 1, "width": 10, "height": 1, "rectanglelabels": ["cat"]}},
			{"type": "rectanglelabels", "original_width": 100, "original_height": 100, "value": {"x": 1, "y": 1, "rectanglelabels": ["cat"]}},
			{"type": "polygonlabels", "original_width": 100, "original_height": 100, "value": {"points": [[1,1],[2,2]], "polygonlabels": ["cat"]}},
			{"type": "polygonlabels", "original_width": 100, "original_height": 100, "value": {"points": [[1,1],[2,2,3],[3,1]], "polygonlabels": ["cat"]}},
			{"type": "choices", "value": {"choices": []}},
			{"type": "choices", "value": {"choices": [" padded"]}},
			{"type": "choices", "value": "nope"}`) + "]",
			[]string{"task 1 annotations[0].result[0]: zero size", "task 1 annotations[0].result[1]: outside the 100×100 image",
				"task 1 annotations[0].result[2]: value needs x, y, width and height", "task 1 annotations[0].result[3]: fewer than 3 points",
				"task 1 annotations[0].result[4].points[1]: must be [x, y]", "task 1 annotations[0].result[5]: no label",
				`task 1 annotations[0].result[6]: label " padded": begins or ends with white space`,
				"task 1 annotations[0].result[7]: value: want an object, got string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := ImportLabelStudio(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("accepted: %s", dump(imp))
			}
			if ps := problemsOf(t, err); !slices.Equal(ps, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", ps, tc.want)
			}
		})
	}
}

func TestExportLabelStudio(t *testing.T) {
	ds := worked()
	ds.Annotations = append(ds.Annotations, Annotation{ImageID: 3, Label: "cat", Worker: "w-1"})
	var buf bytes.Buffer
	if err := ExportLabelStudio(&buf, ds, LabelStudioOptions{}); err != nil {
		t.Fatal(err)
	}
	var tasks []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &tasks); err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 3 {
		t.Fatalf("%d tasks", len(tasks))
	}
	// The first worker's box on image 1, in percent of 512×256.
	wantBox := `{"id":"a1","type":"rectanglelabels","from_name":"box","to_name":"image","original_width":512,"original_height":256,` +
		`"image_rotation":0,"value":{"x":1.953125,"y":7.8125,"width":19.53125,"height":19.53125,"rotation":0,"rectanglelabels":["battery"]}}`
	first := tasks[0]["annotations"].([]any)[0].(map[string]any)
	if got := dump(first["result"].([]any)[0]); got != sortedJSON(wantBox) {
		t.Errorf("box result\n got %s\nwant %s", got, wantBox)
	}
	if dump(first["allmende"]) != `{"worker":"w-1"}` || dump(tasks[0]["data"]) != `{"image":"images/one.jpg"}` || tasks[0]["id"] != 1.0 {
		t.Errorf("first task %s", dump(tasks[0]))
	}
	if dump(tasks[1]["data"]) != `{"image":"https://example.org/two.png"}` {
		t.Errorf("image URL not used: %s", dump(tasks[1]["data"]))
	}
	wantChoice := `{"id":"a3","type":"choices","from_name":"choice","to_name":"image","value":{"choices":["cat"]}}`
	if got := dump(tasks[2]["annotations"].([]any)[0].(map[string]any)["result"].([]any)[0]); got != sortedJSON(wantChoice) {
		t.Errorf("choices result\n got %s\nwant %s", got, wantChoice)
	}

	buf.Reset()
	opt := LabelStudioOptions{Predictions: true, ModelVersion: "m1", ImageURL: func(im Image) string { return "/data/upload/" + im.FileName }}
	if err := ExportLabelStudio(&buf, ds, opt); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); strings.Contains(s, `"annotations"`) || !strings.Contains(s, `"predictions":[{"result":`) ||
		!strings.Contains(s, `"model_version":"m1"`) || !strings.Contains(s, `"image":"/data/upload/images/one.jpg"`) {
		t.Errorf("predictions export: %s", s)
	}
}

func TestLabelStudioRoundTrip(t *testing.T) {
	ds := worked()
	ds.Annotations = append(ds.Annotations, Annotation{ImageID: 3, Label: "cat", Worker: "w-1"})
	for _, opt := range []LabelStudioOptions{{}, {Predictions: true}} {
		var buf bytes.Buffer
		if err := ExportLabelStudio(&buf, ds, opt); err != nil {
			t.Fatal(err)
		}
		imp, err := ImportLabelStudio(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// Label Studio carries no image size without regions, no area, no
		// attributes, and no ids of annotations.
		want := worked()
		want.Images[2].Width, want.Images[2].Height = 0, 0
		want.Annotations = append(want.Annotations, Annotation{ImageID: 3, Label: "cat", Worker: "w-1"})
		for i := range want.Annotations {
			want.Annotations[i].ID = int64(i + 1)
			want.Annotations[i].Attributes = nil
		}
		if !reflect.DeepEqual(imp.Images, want.Images) || !reflect.DeepEqual(imp.Categories, want.Categories) {
			t.Errorf("images %+v\ncategories %+v", imp.Images, imp.Categories)
		}
		if !datasetsNear(imp.Annotations, want.Annotations, 1e-9) {
			t.Errorf("annotations\n got %s\nwant %s", dump(imp.Annotations), dump(want.Annotations))
		}
	}
}

// sortedJSON rewrites a JSON object with its keys sorted, as dump of a
// decoded map writes them.
func sortedJSON(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return dump(v)
}

// datasetsNear compares annotations in order, geometry up to tol pixels.
func datasetsNear(got, want []Annotation, tol float64) bool {
	return slices.EqualFunc(got, want, func(a, b Annotation) bool {
		return a.ID == b.ID && a.ImageID == b.ImageID && a.Worker == b.Worker && reflect.DeepEqual(a.Score, b.Score) &&
			reflect.DeepEqual(a.Attributes, b.Attributes) && math.Abs(a.Area-b.Area) <= tol && shapesNear(a, b, tol)
	})
}

func TestLabelStudioConfig(t *testing.T) {
	cfg := LabelStudioConfig([]string{"cat", `a<b & "c"`})
	var v struct {
		Image struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		}
		RectangleLabels struct {
			Name   string `xml:"name,attr"`
			ToName string `xml:"toName,attr"`
			Labels []struct {
				Value string `xml:"value,attr"`
			} `xml:"Label"`
		}
		PolygonLabels struct {
			Name string `xml:"name,attr"`
		}
		Choices struct {
			Name    string `xml:"name,attr"`
			Choices []struct {
				Value string `xml:"value,attr"`
			} `xml:"Choice"`
		}
	}
	if err := xml.Unmarshal([]byte(cfg), &v); err != nil {
		t.Fatalf("%v\n%s", err, cfg)
	}
	if v.Image.Name != "image" || v.Image.Value != "$image" || v.RectangleLabels.Name != LabelStudioRectangles ||
		v.RectangleLabels.ToName != "image" || v.PolygonLabels.Name != LabelStudioPolygons || v.Choices.Name != LabelStudioChoices ||
		len(v.RectangleLabels.Labels) != 2 || v.RectangleLabels.Labels[1].Value != `a<b & "c"` || v.Choices.Choices[0].Value != "cat" {
		t.Errorf("config parsed as %+v\n%s", v, cfg)
	}
}
