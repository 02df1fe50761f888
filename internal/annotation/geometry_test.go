package annotation

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestIoU(t *testing.T) {
	tests := []struct {
		name string
		a, b Box
		want float64
	}{
		{"identical", box("a", 0, 0, 10, 10), box("b", 0, 0, 10, 10), 1},
		{"half overlap", box("a", 0, 0, 10, 10), box("a", 5, 0, 10, 10), 50.0 / 150},
		{"contained", box("a", 0, 0, 10, 10), box("a", 2, 2, 5, 5), 25.0 / 100},
		{"corner overlap", box("a", 0, 0, 10, 10), box("a", 5, 5, 10, 10), 25.0 / 175},
		{"touching edges", box("a", 0, 0, 10, 10), box("a", 10, 0, 10, 10), 0},
		{"disjoint", box("a", 0, 0, 10, 10), box("a", 20, 20, 1, 1), 0},
		{"zero size", box("a", 0, 0, 0, 0), box("a", 0, 0, 0, 0), 0},
	}
	for _, tc := range tests {
		for _, order := range [][2]Box{{tc.a, tc.b}, {tc.b, tc.a}} {
			if got := IoU(order[0], order[1]); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("%s: IoU = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

func TestPolygonArea(t *testing.T) {
	tests := []struct {
		p    Polygon
		want float64
	}{
		{poly("", 0, 0, 10, 0, 10, 10, 0, 10), 100},
		{poly("", 0, 0, 0, 10, 10, 10, 10, 0), 100}, // the other way round
		{poly("", 0, 0, 10, 0, 0, 10), 50},
		{poly("", 0, 0, 1, 1, 2, 2), 0},
		{poly("", 0, 0, 10, 10, 10, 0, 0, 10), 0}, // symmetric bow tie: lobes cancel
	}
	for _, tc := range tests {
		if got := tc.p.Area(); got != tc.want {
			t.Errorf("area of %v = %v, want %v", tc.p.Points, got, tc.want)
		}
	}
}

func TestPolygonIoU(t *testing.T) {
	square := poly("", 0, 0, 10, 0, 10, 10, 0, 10)
	tests := []struct {
		name string
		a, b Polygon
		want float64
		tol  float64
	}{
		{"identical", square, square, 1, 1e-12},
		{"half overlap", square, poly("", 5, 0, 15, 0, 15, 10, 5, 10), 1.0 / 3, 1e-12},
		{"triangle in square", poly("", 0, 0, 10, 0, 0, 10), square, 0.5, 1e-9},
		{"diamond in square", poly("", 5, 0, 10, 5, 5, 10, 0, 5), square, 0.5, 1e-9},
		// A vertex in mid-row is where the scanlines approximate.
		{"shifted diamond in square", poly("", 5, 0.3, 9.7, 5, 5, 9.7, 0.3, 5), square, 2 * 4.7 * 4.7 / 100, 1e-4},
		// The vertex at y=512.5 lies exactly on the centre line of a row:
		// its two edges must cross that line once between them, not
		// twice or never.
		{"vertex on a scanline", poly("", 0, 0, 100, 512.5, 0, 1024), poly("", 0, 0, 100, 0, 100, 1024, 0, 1024), 0.5, 1e-5},
		{"disjoint", square, poly("", 20, 20, 30, 20, 30, 30), 0, 0},
		{"touching", square, poly("", 10, 0, 20, 0, 20, 10, 10, 10), 0, 1e-12},
		{"too few points", poly("", 0, 0, 1, 1), square, 0, 0},
	}
	for _, tc := range tests {
		for _, order := range [][2]Polygon{{tc.a, tc.b}, {tc.b, tc.a}} {
			if got := PolygonIoU(order[0], order[1]); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("%s: PolygonIoU = %v, want %v ± %v", tc.name, got, tc.want, tc.tol)
			}
		}
	}
}

// The rasterised IoU must agree with the exact IoU of convex polygons,
// computed by clipping one with the other (Sutherland–Hodgman).
func TestPolygonIoUAgreesWithExactClipping(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	regular := func() Polygon {
		n := 3 + rng.IntN(6)
		cx, cy, r, phase := 50+rng.Float64()*20, 50+rng.Float64()*20, 10+rng.Float64()*30, rng.Float64()*math.Pi
		var p Polygon
		for i := range n {
			a := phase + 2*math.Pi*float64(i)/float64(n)
			p.Points = append(p.Points, Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		return p
	}
	for range 200 {
		a, b := regular(), regular()
		inter := polygonArea(clipConvex(a.Points, b.Points))
		want := inter / (a.Area() + b.Area() - inter)
		if got := PolygonIoU(a, b); math.Abs(got-want) > 1e-3 {
			t.Errorf("PolygonIoU = %v, exact %v\na=%v\nb=%v", got, want, a.Points, b.Points)
		}
	}
}

// clipConvex returns subject ∩ clip for a convex clip polygon.
func clipConvex(subject, clip []Point) []Point {
	if signedArea(clip) < 0 {
		clip = append([]Point(nil), clip...)
		for i, j := 0, len(clip)-1; i < j; i, j = i+1, j-1 {
			clip[i], clip[j] = clip[j], clip[i]
		}
	}
	out := subject
	for i := range clip {
		a, b := clip[i], clip[(i+1)%len(clip)]
		inside := func(p Point) bool { return (b.X-a.X)*(p.Y-a.Y)-(b.Y-a.Y)*(p.X-a.X) >= 0 }
		cross := func(p, q Point) Point {
			d1 := (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
			d2 := (b.X-a.X)*(q.Y-a.Y) - (b.Y-a.Y)*(q.X-a.X)
			t := d1 / (d1 - d2)
			return Point{p.X + t*(q.X-p.X), p.Y + t*(q.Y-p.Y)}
		}
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			switch {
			case inside(p) && inside(q):
				out = append(out, q)
			case inside(p):
				out = append(out, cross(p, q))
			case inside(q):
				out = append(out, cross(p, q), q)
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// Edges between scanlines are where the raster approximates.
func TestBoxAndPolygonIoUAgree(t *testing.T) {
	a, b := box("", 3, 4, 20, 10), box("", 10, 7.5, 15, 30)
	pa, pb := Polygon{Points: a.corners()}, Polygon{Points: b.corners()}
	if got, want := PolygonIoU(pa, pb), IoU(a, b); math.Abs(got-want) > 1e-3 {
		t.Errorf("polygon IoU %v, box IoU %v", got, want)
	}
}
