package annotation

import (
	"math"
	"slices"
)

// IoU is the intersection over union of two boxes' rectangles, in [0, 1];
// labels are ignored. It is 0 when the union is empty.
func IoU(a, b Box) float64 { return rectIoU(a.Rect, b.Rect) }

func rectIoU(a, b Rect) float64 {
	inter := rectOverlap(a, b)
	if inter <= 0 {
		return 0
	}
	union := a.W*a.H + b.W*b.H - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// rectOverlap is the area two rectangles share.
func rectOverlap(a, b Rect) float64 {
	w := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	h := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// Area is the polygon's area in square pixels by the shoelace formula.
// For a self-intersecting polygon, lobes of opposite orientation cancel.
func (p Polygon) Area() float64 { return polygonArea(p.Points) }

func polygonArea(pts []Point) float64 { return math.Abs(signedArea(pts)) }

// signedArea is positive for a ring running clockwise on screen (y down).
func signedArea(pts []Point) float64 {
	var s float64
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		s += p.X*q.Y - q.X*p.Y
	}
	return s / 2
}

// bounds is the smallest rectangle holding every point.
func bounds(parts ...[]Point) Rect {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, pts := range parts {
		for _, p := range pts {
			x0, y0 = min(x0, p.X), min(y0, p.Y)
			x1, y1 = max(x1, p.X), max(y1, p.Y)
		}
	}
	if x0 > x1 {
		return Rect{}
	}
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// corners is r as a polygon, clockwise on screen from the top left.
func (r Rect) corners() []Point {
	return []Point{{r.X, r.Y}, {r.X + r.W, r.Y}, {r.X + r.W, r.Y + r.H}, {r.X, r.Y + r.H}}
}

// iouRows is the number of scanlines [PolygonIoU] measures.
const iouRows = 1024

// PolygonIoU is the intersection over union of two polygons' areas, in
// [0, 1]; labels are ignored. Inside means inside by the even–odd rule.
//
// It is an approximation: the common vertical extent is cut into 1024
// rows, and on the centre line of each row the lengths of A∩B and A∪B are
// measured exactly from the edge crossings. Within a row those lengths
// vary linearly between vertices, for which the midpoint rule is exact, so
// the error comes only from rows that contain a vertex and is far below
// what a worker's hand can control. It costs 1024 × (vertices of both)
// steps: about a millisecond for two 300-vertex outlines.
func PolygonIoU(a, b Polygon) float64 {
	if len(a.Points) < 3 || len(b.Points) < 3 {
		return 0
	}
	ba, bb := bounds(a.Points), bounds(b.Points)
	if ba.X >= bb.X+bb.W || bb.X >= ba.X+ba.W || ba.Y >= bb.Y+bb.H || bb.Y >= ba.Y+ba.H {
		return 0 // disjoint bounds: no row could overlap
	}
	y0 := min(ba.Y, bb.Y)
	y1 := max(ba.Y+ba.H, bb.Y+bb.H)
	if !(y1 > y0) {
		return 0
	}
	dy := (y1 - y0) / iouRows
	var inter, union float64
	var sa, sb []float64
	for i := range iouRows {
		y := y0 + (float64(i)+0.5)*dy
		sa = spans(sa[:0], a.Points, y)
		sb = spans(sb[:0], b.Points, y)
		in := overlap(sa, sb)
		inter += in
		union += length(sa) + length(sb) - in
	}
	if union <= 0 {
		return 0
	}
	return inter / union
}

// spans appends to dst the x-intervals, as pairs of ends, where the
// horizontal line at y is inside the polygon. An edge counts when y lies in
// [lower end, upper end), so a line through a vertex is neither missed nor
// counted twice.
func spans(dst []float64, pts []Point, y float64) []float64 {
	start := len(dst)
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		if (p.Y <= y) != (q.Y <= y) {
			dst = append(dst, p.X+(y-p.Y)*(q.X-p.X)/(q.Y-p.Y))
		}
	}
	slices.Sort(dst[start:])
	return dst
}

func length(s []float64) float64 {
	var l float64
	for i := 0; i+1 < len(s); i += 2 {
		l += s[i+1] - s[i]
	}
	return l
}

// overlap is the total length shared by two sorted lists of disjoint
// intervals.
func overlap(a, b []float64) float64 {
	var l float64
	i, j := 0, 0
	for i+1 < len(a) && j+1 < len(b) {
		lo := max(a[i], b[j])
		hi := min(a[i+1], b[j+1])
		if hi > lo {
			l += hi - lo
		}
		if a[i+1] < b[j+1] {
			i += 2
		} else {
			j += 2
		}
	}
	return l
}
