package annotation

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// square is a side×side square with its top left at (x, y).
func square(label string, x, y, side float64) Polygon {
	return poly(label, x, y, x+side, y, x+side, y+side, x, y+side)
}

// cup is a concave U, 30×30 at (x, y), open at the top: the notch
// 5 ≤ x < 25, 0 ≤ y < 28 is outside, so its area is 900 − 560 = 340.
func cup(label string, x, y float64) Polygon {
	return poly(label, x, y, x+5, y, x+5, y+28, x+25, y+28, x+25, y, x+30, y, x+30, y+30, x, y+30)
}

// plug fills cup(x, y)'s notch.
func plug(label string, x, y float64) Polygon {
	return poly(label, x+5, y, x+25, y, x+25, y+28, x+5, y+28)
}

func TestPolygonIoUOfConcaveOutlines(t *testing.T) {
	tests := []struct {
		name string
		a, b Polygon
		want float64
	}{
		{"identical", cup("", 0, 0), cup("", 0, 0), 1},
		{"the notch filled", cup("", 0, 0), plug("", 0, 0), 0},
		{"the hull", cup("", 0, 0), square("", 0, 0, 30), 340.0 / 900},
		{"shifted down by 1", cup("", 0, 0), cup("", 0, 1), 310.0 / 370},
	}
	for _, tc := range tests {
		for _, order := range [][2]Polygon{{tc.a, tc.b}, {tc.b, tc.a}} {
			if got := PolygonIoU(order[0], order[1]); math.Abs(got-tc.want) > 1e-3 {
				t.Errorf("%s: PolygonIoU = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

func TestPolygonConsensus(t *testing.T) {
	tests := []struct {
		name      string
		answers   []WorkerPolygons
		want      []ConsensusPolygon
		agreement map[string]float64
	}{
		{
			name: "two agree, the third is off",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 20)}},
				{"b", []Polygon{square("cat", 1, 1, 20)}},
				{"c", []Polygon{square("cat", 15, 15, 20)}},
			},
			want:      []ConsensusPolygon{{square("cat", 0, 0, 20), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 0},
		},
		{
			// a–c overlap by 16/24, the others by 18/22: b is the
			// medoid, not the first or the mean.
			name: "the outline most like the others",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 20)}},
				{"b", []Polygon{square("cat", 2, 0, 20)}},
				{"c", []Polygon{square("cat", 4, 0, 20)}},
			},
			want:      []ConsensusPolygon{{square("cat", 2, 0, 20), []string{"a", "b", "c"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 1},
		},
		{
			name: "identical outlines",
			answers: []WorkerPolygons{
				{"a", []Polygon{cup("cat", 10, 10)}},
				{"b", []Polygon{cup("cat", 10, 10)}},
				{"c", []Polygon{cup("cat", 10, 10)}},
			},
			want:      []ConsensusPolygon{{cup("cat", 10, 10), []string{"a", "b", "c"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 1},
		},
		{
			// The hull's bounds match the cups' exactly, but it covers
			// the notch: IoU 0.38.
			name: "concave: the hull is not the cup",
			answers: []WorkerPolygons{
				{"a", []Polygon{cup("cat", 0, 0)}},
				{"b", []Polygon{cup("cat", 0, 1)}},
				{"c", []Polygon{square("cat", 0, 0, 30)}},
			},
			want:      []ConsensusPolygon{{cup("cat", 0, 0), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 1, "b": 1, "c": 0},
		},
		{
			name: "nested but disjoint: the plug in the cup",
			answers: []WorkerPolygons{
				{"a", []Polygon{cup("cat", 0, 0)}},
				{"b", []Polygon{plug("cat", 0, 0)}},
				{"c", []Polygon{plug("cat", 0, 0)}},
			},
			want:      []ConsensusPolygon{{plug("cat", 0, 0), []string{"b", "c"}}},
			agreement: map[string]float64{"a": 0, "b": 1, "c": 1},
		},
		{
			name: "different labels never merge",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 20)}},
				{"b", []Polygon{square("dog", 0, 0, 20)}},
				{"c", nil},
			},
			want:      nil,
			agreement: map[string]float64{"a": 0, "b": 0, "c": 1},
		},
		{
			name: "of two workers, one is enough, and labels still keep them apart",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 20)}},
				{"b", []Polygon{square("dog", 0, 0, 20)}},
			},
			want: []ConsensusPolygon{
				{square("cat", 0, 0, 20), []string{"a"}},
				{square("dog", 0, 0, 20), []string{"b"}},
			},
			agreement: map[string]float64{"a": 1, "b": 1},
		},
		{
			name: "no majority anywhere",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 20)}},
				{"b", []Polygon{square("cat", 50, 0, 20)}},
				{"c", []Polygon{square("cat", 0, 50, 20)}},
			},
			want:      nil,
			agreement: map[string]float64{"a": 0, "b": 0, "c": 0},
		},
		{
			name: "two objects, a stray and a worker's double",
			answers: []WorkerPolygons{
				{"a", []Polygon{cup("cat", 0, 0), square("dog", 100, 100, 40)}},
				{"b", []Polygon{cup("cat", 0, 1), square("dog", 102, 98, 40), square("dog", 101, 99, 40)}},
				{"c", []Polygon{square("dog", 101, 102, 40), square("cat", 300, 300, 5)}},
			},
			want: []ConsensusPolygon{
				{cup("cat", 0, 0), []string{"a", "b"}},
				{square("dog", 100, 100, 40), []string{"a", "b", "c"}},
			},
			agreement: map[string]float64{"a": 1, "b": 2.0 / 3, "c": 0.5},
		},
		{
			name: "entries of one worker are merged",
			answers: []WorkerPolygons{
				{"a", []Polygon{square("cat", 0, 0, 10)}},
				{"a", []Polygon{square("cat", 40, 0, 10)}},
				{"b", []Polygon{square("cat", 40, 0, 10)}},
				{"c", nil},
			},
			want:      []ConsensusPolygon{{square("cat", 40, 0, 10), []string{"a", "b"}}},
			agreement: map[string]float64{"a": 0.5, "b": 1, "c": 0},
		},
		{
			name:      "nobody",
			answers:   nil,
			want:      nil,
			agreement: map[string]float64{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := PolygonConsensus(tc.answers)
			if !reflect.DeepEqual(got.Polygons, tc.want) {
				t.Errorf("polygons\n got %+v\nwant %+v", got.Polygons, tc.want)
			}
			if !reflect.DeepEqual(got.Agreement, tc.agreement) {
				t.Errorf("agreement %v, want %v", got.Agreement, tc.agreement)
			}
			if got.Boxes != nil {
				t.Errorf("boxes %+v from polygons", got.Boxes)
			}
			// The order answers and polygons arrive in must not matter.
			rev := make([]WorkerPolygons, len(tc.answers))
			for i, a := range tc.answers {
				p := slices.Clone(a.Polygons)
				slices.Reverse(p)
				rev[len(rev)-1-i] = WorkerPolygons{a.Worker, p}
			}
			if again := PolygonConsensus(rev); !reflect.DeepEqual(again, got) {
				t.Errorf("reversed input gave %+v, %v", again.Polygons, again.Agreement)
			}
		})
	}
}

// The consensus outline is a copy: editing it leaves the answer alone.
func TestPolygonConsensusCopies(t *testing.T) {
	p := square("cat", 0, 0, 10)
	c := PolygonConsensus([]WorkerPolygons{{"a", []Polygon{p}}})
	c.Polygons[0].Points[0].X = 99
	if p.Points[0].X != 0 {
		t.Fatal("the consensus polygon shares the answer's vertices")
	}
}

func TestEvenOddArea(t *testing.T) {
	tests := []struct {
		p    Polygon
		want float64
	}{
		{square("", 3, 4, 10), 100},
		{cup("", 0, 0), 340},
		{poly("", 0, 0, 10, 10, 10, 0, 0, 10), 50}, // bow tie: two triangles, not cancelling
		{poly("", 0, 0, 10, 0, 20, 0), 0},
		{poly("", 0, 0, 1, 1), 0},
	}
	for _, tc := range tests {
		// A horizontal edge in mid-row is where the scanlines approximate.
		if got := evenOddArea(tc.p.Points); math.Abs(got-tc.want) > 1e-3*max(1, tc.want) {
			t.Errorf("area of %v = %v, want %v", tc.p.Points, got, tc.want)
		}
	}
}

// The bound that lets PolygonConsensus skip pairs must never fall below
// the IoU it stands in for by more than the slack allowed for it.
func TestIoUCeilingBoundsPolygonIoU(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	// star is a concave outline with n spikes, or with r0 = r1 a
	// regular polygon.
	star := func() Polygon {
		n := 3 + rng.IntN(12)
		cx, cy := 50+rng.Float64()*20, 50+rng.Float64()*20
		r1 := 10 + rng.Float64()*30
		r0 := r1 * (0.3 + 0.7*rng.Float64())
		var p Polygon
		for i := range 2 * n {
			a := math.Pi * float64(i) / float64(n)
			r := r1
			if i%2 == 1 {
				r = r0
			}
			p.Points = append(p.Points, Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		return p
	}
	for range 500 {
		a, b := star(), star()
		v := PolygonIoU(a, b)
		c := iouCeiling(bounds(a.Points), bounds(b.Points), evenOddArea(a.Points), evenOddArea(b.Points))
		if c < v-0.001 {
			t.Fatalf("ceiling %v below IoU %v\na=%v\nb=%v", c, v, a.Points, b.Points)
		}
	}
}
