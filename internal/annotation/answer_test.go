package annotation

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var (
	boxSpec     = Spec{TaskType: BoundingBox, Labels: []string{"battery", "cat"}, Width: 512, Height: 256}
	polygonSpec = Spec{TaskType: PolygonOutline, Labels: []string{"battery", "cat"}, Width: 512, Height: 256}
	classSpec   = Spec{TaskType: ImageClassification, Labels: []string{"cat", "dog"}}
	textSpec    = Spec{TaskType: TextClassification, Labels: []string{"spam", "ham"}}
	pairSpec    = Spec{TaskType: Pairwise}
)

func box(label string, x, y, w, h float64) Box { return Box{Label: label, Rect: Rect{x, y, w, h}} }

func poly(label string, xy ...float64) Polygon {
	p := Polygon{Label: label}
	for i := 0; i+1 < len(xy); i += 2 {
		p.Points = append(p.Points, Point{xy[i], xy[i+1]})
	}
	return p
}

// problemsOf returns the problems of a *ValidationError as strings, and
// fails the test if err is anything else.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T), want a *ValidationError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) is false")
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		raw  string
		want Answer
	}{
		{"boxes", boxSpec,
			`{"boxes":[{"label":"battery","x":10,"y":20,"w":100,"h":50},{"label":"cat","x":0,"y":0,"w":512,"h":256}]}`,
			Answer{Boxes: []Box{box("battery", 10, 20, 100, 50), box("cat", 0, 0, 512, 256)}}},
		{"box within a pixel of the border is clamped", boxSpec,
			`{"boxes":[{"label":"cat","x":-0.5,"y":200,"w":100.5,"h":56.75}]}`,
			Answer{Boxes: []Box{box("cat", 0, 200, 100, 56)}}},
		{"empty fields of other task types are allowed", boxSpec,
			`{"boxes":[{"label":"cat","x":1,"y":2,"w":3,"h":4}],"polygons":[],"label":"","choice":null,"reason":""}`,
			Answer{Boxes: []Box{box("cat", 1, 2, 3, 4)}}},
		{"no boxes: nothing to mark", boxSpec, `{"boxes":[]}`, Answer{}},
		{"no fields at all", boxSpec, `{}`, Answer{}},
		{"polygon, a vertex clamped", polygonSpec,
			`{"polygons":[{"label":"battery","points":[[10,20],[110,20],[60,90]]},{"label":"cat","points":[[500,250],[512.9,250],[512.9,256.4]]}]}`,
			Answer{Polygons: []Polygon{poly("battery", 10, 20, 110, 20, 60, 90), poly("cat", 500, 250, 512, 250, 512, 256)}}},
		{"image classification", classSpec, `{"label":"cat"}`, Answer{Label: "cat"}},
		{"text classification", textSpec, `{"label":"ham","boxes":null}`, Answer{Label: "ham"}},
		{"pairwise with reason", pairSpec, `{"choice":"a","reason":"B invents a law that does not exist"}`,
			Answer{Choice: "a", Reason: "B invents a law that does not exist"}},
		{"pairwise without reason", pairSpec, `{"choice":"b"}`, Answer{Choice: "b"}},
		{"reason of exactly 2000 characters", pairSpec, `{"choice":"b","reason":"` + strings.Repeat("ü", 2000) + `"}`,
			Answer{Choice: "b", Reason: strings.Repeat("ü", 2000)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.raw), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normalizeEmpty(got), normalizeEmpty(tc.want)) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// normalizeEmpty makes empty and nil slices compare equal.
func normalizeEmpty(a Answer) Answer {
	if len(a.Boxes) == 0 {
		a.Boxes = nil
	}
	if len(a.Polygons) == 0 {
		a.Polygons = nil
	}
	return a
}

func TestParseRefuses(t *testing.T) {
	boxes := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = `{"label":"cat","x":1,"y":1,"w":1,"h":1}`
		}
		return `{"boxes":[` + strings.Join(items, ",") + `]}`
	}
	tests := []struct {
		name string
		spec Spec
		raw  string
		want []string
	}{
		{"zero size box", boxSpec,
			`{"boxes":[{"label":"cat","x":1,"y":2,"w":3,"h":4},{"label":"cat","x":1,"y":2,"w":3,"h":4},{"label":"cat","x":1,"y":2,"w":0,"h":4}]}`,
			[]string{"boxes[2]: zero size"}},
		{"negative size box", boxSpec, `{"boxes":[{"label":"cat","x":10,"y":2,"w":-3,"h":4}]}`,
			[]string{"boxes[0]: negative size"}},
		{"box more than a pixel outside", boxSpec, `{"boxes":[{"label":"cat","x":500,"y":2,"w":13.5,"h":4}]}`,
			[]string{"boxes[0]: outside the 512×256 image"}},
		{"box entirely in the tolerance band", boxSpec, `{"boxes":[{"label":"cat","x":512.2,"y":2,"w":0.5,"h":4}]}`,
			[]string{"boxes[0]: outside the 512×256 image"}},
		{"polygon with two points", polygonSpec, `{"polygons":[{"label":"cat","points":[[1,1],[5,5]]}]}`,
			[]string{"polygons[0]: fewer than 3 points"}},
		{"polygon vertex outside", polygonSpec,
			`{"polygons":[{"label":"cat","points":[[1,1],[5,5],[1,9]]},{"label":"cat","points":[[1,1],[5,5],[1,9],[3,3],[600,3]]}]}`,
			[]string{"polygons[1].points[4]: outside the 512×256 image"}},
		{"degenerate polygon", polygonSpec, `{"polygons":[{"label":"cat","points":[[1,1],[2,2],[3,3]]}]}`,
			[]string{"polygons[0]: degenerate (zero area)"}},
		{"malformed point", polygonSpec, `{"polygons":[{"label":"cat","points":[[1,1],[2,2,2],[3],"x",[4,"5"]]}]}`,
			[]string{"polygons[0].points[1]: must be [x, y]", "polygons[0].points[2]: must be [x, y]",
				"polygons[0].points[3]: must be [x, y]", "polygons[0].points[4]: must be a number"}},
		{"label not in the set", classSpec, `{"label":"bird"}`, []string{`label: "bird" is not in the label set`}},
		{"box label not in the set", boxSpec, `{"boxes":[{"label":"dog","x":1,"y":2,"w":3,"h":4}]}`,
			[]string{`boxes[0].label: "dog" is not in the label set`}},
		{"box without label", boxSpec, `{"boxes":[{"x":1,"y":2,"w":3,"h":4}]}`, []string{"boxes[0].label: required"}},
		{"box without coordinates", boxSpec, `{"boxes":[{"label":"cat","x":1,"h":null}]}`,
			[]string{"boxes[0].y: required", "boxes[0].w: required", "boxes[0].h: required"}},
		{"number out of range", boxSpec, `{"boxes":[{"label":"cat","x":1e999,"y":-1e999,"w":3,"h":4}]}`,
			[]string{"boxes[0].x: not a finite number", "boxes[0].y: not a finite number"}},
		{"number as string", boxSpec, `{"boxes":[{"label":"cat","x":"1","y":2,"w":3,"h":4}]}`,
			[]string{"boxes[0].x: must be a number"}},
		{"choice other than a or b", pairSpec, `{"choice":"c"}`, []string{`choice: must be "a" or "b"`}},
		{"choice missing", pairSpec, `{"reason":"both fine"}`, []string{`choice: required: "a" or "b"`}},
		{"label missing", classSpec, `{"label":""}`, []string{"label: required"}},
		{"reason too long", pairSpec, `{"choice":"a","reason":"` + strings.Repeat("x", 2001) + `"}`,
			[]string{"reason: longer than 2000 characters (2001)"}},
		{"too many boxes", boxSpec, boxes(501), []string{"boxes: 501 boxes, at most 500"}},
		{"unknown fields, exact case", boxSpec, `{"Boxes":[],"extra":1,"boxes":[{"label":"cat","x":1,"y":2,"w":3,"h":4,"z":0}]}`,
			[]string{"Boxes: unknown field", "extra: unknown field", "boxes[0].z: unknown field"}},
		{"box on a classification task", classSpec, `{"label":"cat","boxes":[{"label":"cat","x":1,"y":2,"w":3,"h":4}]}`,
			[]string{"boxes: not allowed for task type image_classification"}},
		{"label on a box task", boxSpec, `{"label":"cat"}`, []string{"label: not allowed for task type bounding_box"}},
		{"choice on a classification task", classSpec, `{"label":"cat","choice":"a"}`,
			[]string{"choice: not allowed for task type image_classification"}},
		{"wrong JSON types", boxSpec, `{"boxes":{"label":"cat"}}`, []string{"boxes: must be a list"}},
		{"box not an object", boxSpec, `{"boxes":[[1,2,3,4]]}`, []string{"boxes[0]: must be an object"}},
		{"label not a string", classSpec, `{"label":7}`, []string{"label: must be a string"}},
		{"not an object", boxSpec, `[1,2]`, []string{"not a JSON object"}},
		{"null", boxSpec, `null`, []string{"not a JSON object"}},
		{"trailing data", boxSpec, `{} {}`, []string{"not a JSON object"}},
		{"too large", classSpec, `{"label":"cat","reason":"` + strings.Repeat(" ", MaxAnswerBytes) + `"}`,
			[]string{fmt.Sprintf("larger than %d bytes", MaxAnswerBytes)}},
		{"every problem at once", boxSpec,
			`{"boxes":[{"label":"dog","x":1,"y":2,"w":0,"h":4},{"label":"cat","x":-5,"y":2,"w":3,"h":4}],"choice":"a","nope":true}`,
			[]string{"nope: unknown field", `boxes[0].label: "dog" is not in the label set`, "boxes[0]: zero size",
				"boxes[1]: outside the 512×256 image", "choice: not allowed for task type bounding_box"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.raw), tc.spec)
			if err == nil {
				t.Fatalf("accepted as %+v", got)
			}
			if ps := problemsOf(t, err); !slices.Equal(ps, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", ps, tc.want)
			}
			if !reflect.DeepEqual(got, Answer{}) {
				t.Errorf("a refused answer came back as %+v", got)
			}
		})
	}
}

func TestParseListsProblemsUpToTheCap(t *testing.T) {
	items := make([]string, 150)
	for i := range items {
		items[i] = `{"label":"cat","x":1,"y":2,"w":0,"h":4}`
	}
	_, err := Parse([]byte(`{"boxes":[`+strings.Join(items, ",")+`]}`), boxSpec)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v", err)
	}
	if len(ve.Problems) != MaxProblems || ve.Omitted != 50 {
		t.Errorf("%d problems listed, %d omitted; want %d and 50", len(ve.Problems), ve.Omitted, MaxProblems)
	}
	if !strings.HasSuffix(ve.Error(), "(and 50 more)") {
		t.Errorf("message %q does not say how many more", ve.Error())
	}
}

func TestParseRefusesBadSpec(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
	}{
		{"unknown task type", Spec{TaskType: "ranking", Labels: []string{"a"}}},
		{"image task without size", Spec{TaskType: BoundingBox, Labels: []string{"a"}}},
		{"image too large", Spec{TaskType: PolygonOutline, Labels: []string{"a"}, Width: MaxImageSide + 1, Height: 10}},
		{"no labels", Spec{TaskType: ImageClassification}},
		{"duplicate label", Spec{TaskType: ImageClassification, Labels: []string{"a", "a"}}},
		{"label with spaces around", Spec{TaskType: ImageClassification, Labels: []string{" a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(`{}`), tc.spec)
			if !errors.Is(err, ErrSpec) || errors.Is(err, ErrInvalid) {
				t.Errorf("error %v, want one wrapping ErrSpec only", err)
			}
		})
	}
}

// An answer marshalled by encoding/json is what a browser sends, so parsing
// it must give it back.
func TestAnswerJSONRoundTrip(t *testing.T) {
	tests := []struct {
		spec Spec
		a    Answer
	}{
		{boxSpec, Answer{Boxes: []Box{box("cat", 1.25, 2, 3, 4.5)}}},
		{polygonSpec, Answer{Polygons: []Polygon{poly("battery", 0, 0, 512, 0, 256, 256)}}},
		{classSpec, Answer{Label: "dog"}},
		{pairSpec, Answer{Choice: "b", Reason: "A is rude"}},
	}
	for _, tc := range tests {
		raw, err := json.Marshal(tc.a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(raw, tc.spec)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !reflect.DeepEqual(got, tc.a) {
			t.Errorf("%s parsed as %+v", raw, got)
		}
	}
	if raw, _ := json.Marshal(Answer{Boxes: []Box{box("cat", 1, 2, 3, 4)}}); string(raw) != `{"boxes":[{"label":"cat","x":1,"y":2,"w":3,"h":4}]}` {
		t.Errorf("box JSON %s", raw)
	}
}

func TestPointJSON(t *testing.T) {
	var p Point
	if err := json.Unmarshal([]byte(`[1.5,-2]`), &p); err != nil || p != (Point{1.5, -2}) {
		t.Errorf("got %v, %v", p, err)
	}
	for _, bad := range []string{`[1]`, `[1,2,3]`, `{"x":1}`, `["1",2]`} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s accepted as %v", bad, p)
		}
	}
	if b, _ := json.Marshal(Point{3, 4}); string(b) != `[3,4]` {
		t.Errorf("marshalled as %s", b)
	}
}

func TestCanonical(t *testing.T) {
	a := Answer{
		Boxes:    []Box{box("cat", 10.004, 5, 3, 4), box("battery", 1, 1, 2, 2.0049)},
		Polygons: []Polygon{poly("cat", 5, 0, 10, 10, 0, 10)},
	}
	b := Answer{
		Boxes: []Box{box("battery", 0.999, 1.001, 2, 2), box("cat", 10, 5.003, 3, 4)},
		// The same triangle, started elsewhere and run the other way.
		Polygons: []Polygon{poly("cat", 0, 10, 10, 10, 5.001, 0)},
	}
	ca, cb := a.Canonical(), b.Canonical()
	if !reflect.DeepEqual(ca, cb) {
		t.Errorf("canonical forms differ:\n%+v\n%+v", ca, cb)
	}
	want := Answer{
		Boxes:    []Box{box("battery", 1, 1, 2, 2), box("cat", 10, 5, 3, 4)},
		Polygons: []Polygon{poly("cat", 5, 0, 10, 10, 0, 10)},
	}
	if !reflect.DeepEqual(ca, want) {
		t.Errorf("canonical %+v, want %+v", ca, want)
	}
	if a.Boxes[0].X != 10.004 || a.Polygons[0].Points[0] != (Point{5, 0}) {
		t.Errorf("Canonical changed its receiver: %+v", a)
	}
	if c := (Answer{Boxes: []Box{box("cat", -0.001, 0, 1, 1)}}).Canonical(); fmt.Sprint(c.Boxes[0].X) != "0" {
		t.Errorf("negative zero survived: %v", c.Boxes[0].X)
	}
}

func TestCategorical(t *testing.T) {
	tests := []struct {
		t      TaskType
		a      Answer
		want   string
		wantOK bool
	}{
		{ImageClassification, Answer{Label: "cat"}, "cat", true},
		{TextClassification, Answer{Label: "ham"}, "ham", true},
		{Pairwise, Answer{Choice: "b", Reason: "x"}, "b", true},
		{BoundingBox, Answer{Boxes: []Box{box("cat", 1, 1, 1, 1)}}, "", false},
		{ImageClassification, Answer{}, "", false},
	}
	for _, tc := range tests {
		if got, ok := tc.a.Categorical(tc.t); got != tc.want || ok != tc.wantOK {
			t.Errorf("%s %+v: got %q %v, want %q %v", tc.t, tc.a, got, ok, tc.want, tc.wantOK)
		}
	}
}
