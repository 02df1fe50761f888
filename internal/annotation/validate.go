package annotation

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what is accepted from outside. They are far above real work and
// keep a hostile input from costing unbounded memory or time.
const (
	// MaxProblems is how many problems a [ValidationError] lists; the
	// rest are only counted.
	MaxProblems = 100
	// MaxImageSide bounds an image's width and height in pixels. It also
	// keeps YOLO's six decimals finer than the one-pixel tolerance.
	MaxImageSide = 100_000
	// MaxLabelBytes bounds a label and a worker pseudonym.
	MaxLabelBytes = 200
	// Tolerance is how far, in pixels, a coordinate may lie outside the
	// image. Browsers and converters round; a point up to this far out is
	// moved onto the border instead of refused.
	Tolerance = 1.0
)

// ErrInvalid is matched by every [*ValidationError] with errors.Is, so that
// a caller can tell bad input from a failing reader.
var ErrInvalid = errors.New("invalid annotation data")

// Problem is one thing wrong with an input.
type Problem struct {
	// Path says where: "boxes[2]", "polygons[1].points[4]",
	// "annotation 82445", "line 3". Empty for the input as a whole.
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in an input, so that whoever
// fixes it sees all mistakes at once rather than one per attempt.
type ValidationError struct {
	// Subject names what was checked: "answer", "COCO file", ...
	Subject  string
	Problems []Problem // at most MaxProblems
	Omitted  int       // problems found beyond MaxProblems
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s: ", e.Subject)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, " (and %d more)", e.Omitted)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems collects the problems of one input.
type problems struct {
	list    []Problem
	omitted int
}

func (ps *problems) add(path, format string, args ...any) {
	if len(ps.list) >= MaxProblems {
		ps.omitted++
		return
	}
	ps.list = append(ps.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) empty() bool { return len(ps.list) == 0 }

// err returns the problems as a *ValidationError, or nil if there are none.
func (ps *problems) err(subject string) error {
	if ps.empty() {
		return nil
	}
	return &ValidationError{Subject: subject, Problems: ps.list, Omitted: ps.omitted}
}

// checkName reports what is wrong with a label or a worker pseudonym, or "".
// Names travel into CSV (which trims spaces), YAML and file formats of other
// tools, so only names that survive all of them unchanged are accepted.
func checkName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > MaxLabelBytes:
		return fmt.Sprintf("longer than %d bytes", MaxLabelBytes)
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case strings.TrimSpace(s) != s:
		return "begins or ends with white space"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "contains a control character"
	}
	return ""
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// frame is the image that coordinates must lie in, with slack pixels of
// tolerance on every side.
type frame struct {
	w, h  int
	slack float64
}

func (f frame) known() bool { return f.w > 0 && f.h > 0 }

func (f frame) outside() string {
	return fmt.Sprintf("outside the %d×%d image", f.w, f.h)
}

// fitRect checks r and moves edges within the slack onto the border. It
// returns the fitted rectangle, or a message saying what is wrong.
// Coordinates already inside are returned unchanged, bit for bit, so that
// fitting is idempotent and exports re-import to the same values.
func (f frame) fitRect(r Rect) (Rect, string) {
	switch {
	case !finite(r.X, r.Y, r.W, r.H):
		return r, "not a finite number"
	case r.W < 0 || r.H < 0:
		return r, "negative size"
	case r.W == 0 || r.H == 0:
		return r, "zero size"
	case !f.known():
		return r, "image size unknown"
	}
	w, h := float64(f.w), float64(f.h)
	x1, y1 := r.X+r.W, r.Y+r.H
	if r.X < -f.slack || r.Y < -f.slack || x1 > w+f.slack || y1 > h+f.slack {
		return r, f.outside()
	}
	if r.X < 0 || x1 > w {
		x0 := max(r.X, 0)
		x1 = min(x1, w)
		if x1 <= x0 {
			return r, f.outside()
		}
		r.X, r.W = x0, x1-x0
	}
	if r.Y < 0 || y1 > h {
		y0 := max(r.Y, 0)
		y1 = min(y1, h)
		if y1 <= y0 {
			return r, f.outside()
		}
		r.Y, r.H = y0, y1-y0
	}
	return r, ""
}

// fitPoint is fitRect for one polygon vertex.
func (f frame) fitPoint(p Point) (Point, string) {
	switch {
	case !finite(p.X, p.Y):
		return p, "not a finite number"
	case !f.known():
		return p, "image size unknown"
	}
	w, h := float64(f.w), float64(f.h)
	if p.X < -f.slack || p.Y < -f.slack || p.X > w+f.slack || p.Y > h+f.slack {
		return p, f.outside()
	}
	p.X = min(max(p.X, 0), w)
	p.Y = min(max(p.Y, 0), h)
	return p, ""
}

// fitPolygon checks a polygon's vertices, reporting each bad one under
// path.points[i], and returns the fitted copy; ok is false if anything was
// wrong.
func (f frame) fitPolygon(path string, pts []Point, ps *problems) (fitted []Point, ok bool) {
	if len(pts) < 3 {
		ps.add(path, "fewer than 3 points")
		return nil, false
	}
	fitted = make([]Point, len(pts))
	ok = true
	for i, p := range pts {
		q, msg := f.fitPoint(p)
		if msg != "" {
			ps.add(fmt.Sprintf("%s.points[%d]", path, i), "%s", msg)
			ok = false
		}
		fitted[i] = q
	}
	if ok && polygonArea(fitted) <= 0 {
		ps.add(path, "degenerate (zero area)")
		ok = false
	}
	return fitted, ok
}

// labelSet checks labels against a set given as a slice.
type labelSet map[string]bool

func newLabelSet(labels []string) labelSet {
	s := make(labelSet, len(labels))
	for _, l := range labels {
		s[l] = true
	}
	return s
}

// check reports a problem at path unless label is in the set.
func (s labelSet) check(path, label string, ps *problems) {
	switch {
	case label == "":
		ps.add(path, "required")
	case !s[label]:
		ps.add(path, "%q is not in the label set", label)
	}
}
