package annotation

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
)

// TaskType is what a worker does with an item.
type TaskType string

const (
	ImageClassification TaskType = "image_classification" // one label for an image
	BoundingBox         TaskType = "bounding_box"         // labelled boxes on an image
	PolygonOutline      TaskType = "polygon"              // labelled polygons on an image
	TextClassification  TaskType = "text_classification"  // one label for a text
	Pairwise            TaskType = "pairwise"             // the better of texts A and B, and why
)

// Limits of one answer.
const (
	MaxAnswerBytes   = 1 << 20
	MaxShapes        = 500  // boxes or polygons in one answer
	MaxPolygonPoints = 1000 // vertices of one drawn polygon
	MaxReasonRunes   = 2000
)

// ErrSpec is wrapped by the errors about the caller's own arguments (a
// [Spec], or the image size and class names given to [ImportYOLO]) rather
// than about the input: a mistake of the program, not of the worker or file.
var ErrSpec = errors.New("invalid spec")

// Spec is what an answer is checked against: the project's task type and
// label set and, for image tasks, the item's size in natural pixels.
type Spec struct {
	TaskType      TaskType
	Labels        []string
	Width, Height int
}

// Answer is one worker's answer to one item. Only the fields of the task
// type are set: Boxes for bounding_box, Polygons for polygon, Label for the
// classification tasks, Choice and Reason for pairwise. Coordinates are in
// natural image pixels, the origin at the top left.
type Answer struct {
	Boxes    []Box     `json:"boxes,omitempty"`
	Polygons []Polygon `json:"polygons,omitempty"`
	Label    string    `json:"label,omitempty"`
	Choice   string    `json:"choice,omitempty"` // "a" or "b"
	Reason   string    `json:"reason,omitempty"`
}

// Rect is an axis-aligned rectangle: top-left corner, width and height.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Box is a labelled rectangle. In JSON its fields sit side by side:
// {"label":"battery","x":10,"y":20,"w":100,"h":50}.
type Box struct {
	Label string `json:"label"`
	Rect
}

// Point is a polygon vertex, [x, y] in JSON.
type Point struct{ X, Y float64 }

// MarshalJSON writes [x, y].
func (p Point) MarshalJSON() ([]byte, error) { return json.Marshal([2]float64{p.X, p.Y}) }

// UnmarshalJSON reads [x, y], refusing lists of any other length, which
// encoding/json would silently pad or cut into a [2]float64.
func (p *Point) UnmarshalJSON(b []byte) error {
	var xy []float64
	if err := json.Unmarshal(b, &xy); err != nil {
		return err
	}
	if len(xy) != 2 {
		return fmt.Errorf("a point is [x, y], got %d numbers", len(xy))
	}
	p.X, p.Y = xy[0], xy[1]
	return nil
}

// Polygon is a labelled closed polygon; the last vertex joins the first.
type Polygon struct {
	Label  string  `json:"label"`
	Points []Point `json:"points"`
}

// fields are the answer's JSON fields in the order problems are reported.
var fields = []string{"boxes", "polygons", "label", "choice", "reason"}

// allowed says which fields a task type's answer may set.
func (t TaskType) allowed(field string) bool {
	switch t {
	case BoundingBox:
		return field == "boxes"
	case PolygonOutline:
		return field == "polygons"
	case ImageClassification, TextClassification:
		return field == "label"
	case Pairwise:
		return field == "choice" || field == "reason"
	}
	return false
}

func (t TaskType) known() bool {
	switch t {
	case ImageClassification, BoundingBox, PolygonOutline, TextClassification, Pairwise:
		return true
	}
	return false
}

func (t TaskType) needsImage() bool { return t == BoundingBox || t == PolygonOutline }

func (s Spec) check() error {
	if !s.TaskType.known() {
		return fmt.Errorf("%w: unknown task type %q", ErrSpec, s.TaskType)
	}
	if s.TaskType.needsImage() && (s.Width <= 0 || s.Height <= 0 || s.Width > MaxImageSide || s.Height > MaxImageSide) {
		return fmt.Errorf("%w: image size %d×%d", ErrSpec, s.Width, s.Height)
	}
	if s.TaskType != Pairwise && len(s.Labels) == 0 {
		return fmt.Errorf("%w: no labels", ErrSpec)
	}
	seen := map[string]bool{}
	for _, l := range s.Labels {
		if msg := checkName(l); msg != "" {
			return fmt.Errorf("%w: label %q: %s", ErrSpec, l, msg)
		}
		if seen[l] {
			return fmt.Errorf("%w: label %q listed twice", ErrSpec, l)
		}
		seen[l] = true
	}
	return nil
}

// Parse reads the JSON answer a worker's browser sent and checks it against
// spec. Every problem is listed in the returned [*ValidationError], each
// with its path: unknown or misplaced fields, missing or non-finite numbers,
// labels outside the label set, shapes of zero size or area, fewer than
// three polygon points, coordinates outside the image, too many shapes, a
// choice other than "a" or "b", a reason over [MaxReasonRunes] characters.
//
// Fields of other task types may be present only when empty (null, "" or
// []), as a form that sends every field does. Coordinates up to
// [Tolerance] pixels outside the image are moved onto its border.
// An error wrapping [ErrSpec] means spec itself is unusable.
func Parse(raw []byte, spec Spec) (Answer, error) {
	if err := spec.check(); err != nil {
		return Answer{}, err
	}
	var ps problems
	if len(raw) > MaxAnswerBytes {
		ps.add("", "larger than %d bytes", MaxAnswerBytes)
		return Answer{}, ps.err("answer")
	}
	// Decoding into raw fields rather than into Answer lets every problem
	// be reported with its path, and keys be matched exactly (encoding/json
	// would accept "Boxes" for "boxes").
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		ps.add("", "not a JSON object")
		return Answer{}, ps.err("answer")
	}
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(fields, k) {
			ps.add(k, "unknown field")
		}
	}
	p := answerParser{labels: newLabelSet(spec.Labels), ps: &ps,
		frame: frame{w: spec.Width, h: spec.Height, slack: Tolerance}}
	var a Answer
	set := map[string]bool{}
	for _, field := range fields {
		v, ok := obj[field]
		if !ok || isEmptyJSON(v) {
			continue
		}
		set[field] = true
		if !spec.TaskType.allowed(field) {
			ps.add(field, "not allowed for task type %s", spec.TaskType)
			continue
		}
		switch field {
		case "boxes":
			a.Boxes = p.boxes(v)
		case "polygons":
			a.Polygons = p.polygons(v)
		case "label":
			a.Label = p.label("label", v)
		case "choice":
			var ok bool
			if a.Choice, ok = p.str("choice", v); ok && a.Choice != "a" && a.Choice != "b" {
				ps.add("choice", `must be "a" or "b"`)
			}
		case "reason":
			a.Reason, _ = p.str("reason", v)
			if n := utf8.RuneCountInString(a.Reason); n > MaxReasonRunes {
				ps.add("reason", "longer than %d characters (%d)", MaxReasonRunes, n)
			}
		}
	}
	switch spec.TaskType {
	case ImageClassification, TextClassification:
		if !set["label"] {
			ps.add("label", "required")
		}
	case Pairwise:
		if !set["choice"] {
			ps.add("choice", `required: "a" or "b"`)
		}
	}
	if err := ps.err("answer"); err != nil {
		return Answer{}, err
	}
	return a, nil
}

// answerParser collects the problems of one answer as it reads its parts.
type answerParser struct {
	labels labelSet
	frame  frame
	ps     *problems
}

func (p answerParser) str(path string, v json.RawMessage) (string, bool) {
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		p.ps.add(path, "must be a string")
		return "", false
	}
	return s, true
}

// label reads a label and checks it against the label set.
func (p answerParser) label(path string, v json.RawMessage) string {
	if v == nil || isNull(v) {
		p.ps.add(path, "required")
		return ""
	}
	s, ok := p.str(path, v)
	if ok {
		p.labels.check(path, s, p.ps)
	}
	return s
}

func (p answerParser) num(path string, v json.RawMessage, ok *bool) float64 {
	x, msg := parseNumber(v)
	if msg != "" {
		p.ps.add(path, "%s", msg)
		*ok = false
	}
	return x
}

// list decodes a JSON list of at most limit elements.
func (p answerParser) list(path string, v json.RawMessage, limit int, what string) []json.RawMessage {
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		p.ps.add(path, "must be a list")
		return nil
	}
	if len(items) > limit {
		p.ps.add(path, "%d %s, at most %d", len(items), what, limit)
		return nil
	}
	return items
}

// object decodes a JSON object and reports keys outside known.
func (p answerParser) object(path string, v json.RawMessage, known ...string) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if v[0] != '{' || json.Unmarshal(v, &obj) != nil {
		p.ps.add(path, "must be an object")
		return nil
	}
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(known, k) {
			p.ps.add(path+"."+k, "unknown field")
		}
	}
	return obj
}

func (p answerParser) boxes(v json.RawMessage) []Box {
	items := p.list("boxes", v, MaxShapes, "boxes")
	boxes := make([]Box, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("boxes[%d]", i)
		obj := p.object(path, item, "label", "x", "y", "w", "h")
		if obj == nil {
			continue
		}
		b := Box{Label: p.label(path+".label", obj["label"])}
		ok := true
		for _, c := range []struct {
			name string
			dst  *float64
		}{{"x", &b.X}, {"y", &b.Y}, {"w", &b.W}, {"h", &b.H}} {
			raw, present := obj[c.name]
			if !present || isNull(raw) {
				p.ps.add(path+"."+c.name, "required")
				ok = false
				continue
			}
			*c.dst = p.num(path+"."+c.name, raw, &ok)
		}
		if !ok {
			continue
		}
		r, msg := p.frame.fitRect(b.Rect)
		if msg != "" {
			p.ps.add(path, "%s", msg)
			continue
		}
		b.Rect = r
		boxes = append(boxes, b)
	}
	return boxes
}

func (p answerParser) polygons(v json.RawMessage) []Polygon {
	items := p.list("polygons", v, MaxShapes, "polygons")
	polys := make([]Polygon, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("polygons[%d]", i)
		obj := p.object(path, item, "label", "points")
		if obj == nil {
			continue
		}
		pg := Polygon{Label: p.label(path+".label", obj["label"])}
		raw, present := obj["points"]
		if !present || isNull(raw) {
			p.ps.add(path+".points", "required")
			continue
		}
		pts := p.list(path+".points", raw, MaxPolygonPoints, "points")
		if pts == nil {
			continue
		}
		ok := true
		pg.Points = make([]Point, len(pts))
		for j, pt := range pts {
			pp := fmt.Sprintf("%s.points[%d]", path, j)
			var xy []json.RawMessage
			if pt[0] != '[' || json.Unmarshal(pt, &xy) != nil || len(xy) != 2 {
				p.ps.add(pp, "must be [x, y]")
				ok = false
				continue
			}
			pg.Points[j].X = p.num(pp, xy[0], &ok)
			pg.Points[j].Y = p.num(pp, xy[1], &ok)
		}
		if !ok {
			continue
		}
		fitted, ok := p.frame.fitPolygon(path, pg.Points, p.ps)
		if !ok {
			continue
		}
		pg.Points = fitted
		polys = append(polys, pg)
	}
	return polys
}

// parseNumber reads a JSON number; it returns a message if v is not one or
// is out of float64's range.
func parseNumber(v json.RawMessage) (float64, string) {
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, "must be a number"
	}
	var x float64
	if json.Unmarshal(v, &x) != nil || !finite(x) {
		return 0, "not a finite number"
	}
	return x, ""
}

func isNull(v json.RawMessage) bool { return string(v) == "null" }

// isEmptyJSON reports whether v is null, "" or [], the values of a field a
// form sends but the worker did not fill in.
func isEmptyJSON(v json.RawMessage) bool {
	switch v[0] {
	case 'n':
		return true
	case '"':
		return string(v) == `""`
	case '[':
		var items []json.RawMessage
		return json.Unmarshal(v, &items) == nil && len(items) == 0
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Categorical returns the answer as one categorical value for truth
// inference and the question,worker,answer CSV: the label of a
// classification task, the choice of a pairwise one. ok is false for the
// geometric task types.
func (a Answer) Categorical(t TaskType) (value string, ok bool) {
	switch t {
	case ImageClassification, TextClassification:
		return a.Label, a.Label != ""
	case Pairwise:
		return a.Choice, a.Choice != ""
	}
	return "", false
}

// Resolution is the grid, in pixels, that [Answer.Canonical] rounds to:
// finer than any screen, coarse enough to hide floating-point noise.
const Resolution = 0.01

func round(v float64) float64 {
	r := math.Round(v*(1/Resolution)) / (1 / Resolution)
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// Canonical returns a copy of a in which two answers that mean the same
// agree byte for byte: coordinates rounded to [Resolution], each polygon
// starting at its lowest vertex (smallest y, then x) and running in the
// same rotational direction, boxes and polygons sorted. It is for
// comparing and hashing answers; a shape smaller than the grid can round
// to zero size, so keep the parsed answer as the record.
func (a Answer) Canonical() Answer {
	c := Answer{Label: a.Label, Choice: a.Choice, Reason: a.Reason}
	for _, b := range a.Boxes {
		c.Boxes = append(c.Boxes, Box{Label: b.Label, Rect: Rect{X: round(b.X), Y: round(b.Y), W: round(b.W), H: round(b.H)}})
	}
	slices.SortFunc(c.Boxes, func(p, q Box) int {
		return cmp.Or(cmp.Compare(p.Label, q.Label), cmp.Compare(p.X, q.X), cmp.Compare(p.Y, q.Y),
			cmp.Compare(p.W, q.W), cmp.Compare(p.H, q.H))
	})
	for _, pg := range a.Polygons {
		c.Polygons = append(c.Polygons, Polygon{Label: pg.Label, Points: canonicalRing(pg.Points)})
	}
	slices.SortFunc(c.Polygons, func(p, q Polygon) int {
		return cmp.Or(cmp.Compare(p.Label, q.Label), slices.CompareFunc(p.Points, q.Points, comparePoints))
	})
	return c
}

func comparePoints(p, q Point) int { return cmp.Or(cmp.Compare(p.Y, q.Y), cmp.Compare(p.X, q.X)) }

// canonicalRing rounds a polygon's vertices, orients it so that its signed
// area (shoelace, y pointing down) is positive, and rotates it to start at
// its lowest vertex.
func canonicalRing(pts []Point) []Point {
	ring := make([]Point, len(pts))
	for i, p := range pts {
		ring[i] = Point{X: round(p.X), Y: round(p.Y)}
	}
	if signedArea(ring) < 0 {
		slices.Reverse(ring)
	}
	start := 0
	for i, p := range ring {
		if comparePoints(p, ring[start]) < 0 {
			start = i
		}
	}
	return slices.Concat(ring[start:], ring[:start])
}
