package annotation

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A detailed COCO outline has a few hundred vertices.
func BenchmarkPolygonIoU(b *testing.B) {
	circle := func(cx, cy, r float64, n int) Polygon {
		var p Polygon
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			p.Points = append(p.Points, Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		return p
	}
	p, q := circle(100, 100, 50, 300), circle(120, 110, 45, 300)
	for b.Loop() {
		PolygonIoU(p, q)
	}
}

// Five workers drawing 100 boxes each on a crowded image.
func BenchmarkBoxConsensus(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var objects []Box
	for range 100 {
		objects = append(objects, box("cat", rng.Float64()*900, rng.Float64()*900, 20+rng.Float64()*80, 20+rng.Float64()*80))
	}
	var answers []WorkerBoxes
	for w := range 5 {
		a := WorkerBoxes{Worker: string(rune('a' + w))}
		for _, o := range objects {
			o.X += rng.NormFloat64() * 2
			o.Y += rng.NormFloat64() * 2
			a.Boxes = append(a.Boxes, o)
		}
		answers = append(answers, a)
	}
	for b.Loop() {
		BoxConsensus(answers)
	}
}

// Five workers outlining 100 objects each, 40 vertices an outline, on a
// crowded image.
func BenchmarkPolygonConsensus(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	type object struct{ x, y, r float64 }
	var objects []object
	for range 100 {
		objects = append(objects, object{rng.Float64() * 900, rng.Float64() * 900, 10 + rng.Float64()*40})
	}
	var answers []WorkerPolygons
	for w := range 5 {
		a := WorkerPolygons{Worker: string(rune('a' + w))}
		for _, o := range objects {
			p := Polygon{Label: "cat"}
			for i := range 40 {
				t := 2 * math.Pi * float64(i) / 40
				r := o.r + rng.NormFloat64()
				p.Points = append(p.Points, Point{o.x + r*math.Cos(t) + rng.NormFloat64(), o.y + r*math.Sin(t)})
			}
			a.Polygons = append(a.Polygons, p)
		}
		answers = append(answers, a)
	}
	for b.Loop() {
		PolygonConsensus(answers)
	}
}
