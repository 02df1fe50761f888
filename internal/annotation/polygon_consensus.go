package annotation

import (
	"cmp"
	"slices"
)

// WorkerPolygons is one worker's polygons for one item.
type WorkerPolygons struct {
	Worker   string
	Polygons []Polygon
}

// ConsensusPolygon is an object that enough workers outline alike: the
// outline most like the others in its cluster, and the cluster's label.
type ConsensusPolygon struct {
	Polygon
	Workers []string // who drew it, sorted
}

// PolygonConsensus merges several workers' polygons for one item, as
// [BoxConsensus] does boxes.
//
// Polygons are compared by the IoU of their areas, [PolygonIoU]: measured
// on 1024 scanlines rather than by exact clipping, so concave and even
// self-intersecting outlines (inside by the even–odd rule) are handled
// alike, to well under a percent. They are clustered across workers by the
// same greedy complete linkage as boxes, at the same threshold
// [ConsensusIoU], except that only polygons with the same label are
// linked: there is no mean of differently labelled outlines to fall back
// on. A cluster drawn by at least ⌈n/2⌉ of the n workers becomes a
// consensus polygon.
//
// The consensus polygon is the cluster's medoid: the member with the
// highest total IoU to the other members (ties go to the outline that
// sorts first by its bounds, then its vertices). Unlike a mean of
// vertices, which would need outlines with matching vertices, it is always
// an outline somebody drew, and so as valid as theirs.
//
// Entries with the same Worker are merged. The result does not depend on
// the order of answers or of polygons within an answer, except among
// polygons with exactly equal IoU.
func PolygonConsensus(answers []WorkerPolygons) Consensus {
	workers, shapes := byWorker(answers, func(a WorkerPolygons) (string, []Polygon) { return a.Worker, a.Polygons }, comparePolygons)
	type node struct {
		worker int
		poly   Polygon
		bounds Rect
		area   float64
	}
	var nodes []node
	for w, polys := range shapes {
		for _, p := range polys {
			nodes = append(nodes, node{worker: w, poly: p, bounds: bounds(p.Points), area: evenOddArea(p.Points)})
		}
	}
	drawer := make([]int, len(nodes))
	var pairs []scoredPair
	iou := map[[2]int]float64{}
	for i := range nodes {
		drawer[i] = nodes[i].worker
		for j := i + 1; j < len(nodes); j++ {
			a, b := nodes[i], nodes[j]
			if a.worker == b.worker || a.poly.Label != b.poly.Label {
				continue
			}
			// A cheap bound spares most neighbours the scanlines; the
			// slack covers its areas being measured approximately.
			if iouCeiling(a.bounds, b.bounds, a.area, b.area) < ConsensusIoU-0.02 {
				continue
			}
			if v := PolygonIoU(a.poly, b.poly); v >= ConsensusIoU {
				pairs = append(pairs, scoredPair{i, j, v})
				iou[[2]int{i, j}] = v
			}
		}
	}
	members := link(drawer, pairs)

	need := (len(workers) + 1) / 2
	matched := make([]int, len(workers))
	total := make([]int, len(workers))
	for _, n := range nodes {
		total[n.worker]++
	}
	var c Consensus
	for _, m := range members {
		if len(m) == 0 || len(m) < need {
			continue
		}
		// m is sorted, so every candidate's sum is taken in the same
		// order and equal outlines tie exactly.
		medoid, best := -1, -1.0
		for _, i := range m {
			sum := 0.0
			for _, j := range m {
				if j != i {
					sum += iou[[2]int{min(i, j), max(i, j)}]
				}
			}
			if sum > best || sum == best && comparePolygons(nodes[i].poly, nodes[medoid].poly) < 0 {
				medoid, best = i, sum
			}
		}
		p := nodes[medoid].poly
		cp := ConsensusPolygon{Polygon: Polygon{Label: p.Label, Points: slices.Clone(p.Points)}}
		for _, k := range m {
			matched[nodes[k].worker]++
			cp.Workers = append(cp.Workers, workers[nodes[k].worker])
		}
		slices.Sort(cp.Workers)
		c.Polygons = append(c.Polygons, cp)
	}
	slices.SortFunc(c.Polygons, func(p, q ConsensusPolygon) int { return comparePolygons(p.Polygon, q.Polygon) })
	c.Agreement = agreement(workers, matched, total, len(c.Polygons) > 0)
	return c
}

// comparePolygons orders polygons by the top left of their bounds, then
// label, then vertices.
func comparePolygons(p, q Polygon) int {
	bp, bq := bounds(p.Points), bounds(q.Points)
	if c := cmp.Or(cmp.Compare(bp.X, bq.X), cmp.Compare(bp.Y, bq.Y), cmp.Compare(p.Label, q.Label)); c != 0 {
		return c
	}
	return slices.CompareFunc(p.Points, q.Points, func(a, b Point) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y))
	})
}

// iouCeiling bounds the IoU of two shapes from their bounds and areas: the
// intersection is at most the smaller area and the overlap of the bounds,
// the union at least the larger area.
func iouCeiling(ba, bb Rect, aa, ab float64) float64 {
	larger := max(aa, ab)
	if larger <= 0 {
		return 0
	}
	return min(rectOverlap(ba, bb), aa, ab) / larger
}

// evenOddArea is the area inside the polygon by the even–odd rule,
// measured on the scanlines [PolygonIoU] uses. Unlike [Polygon.Area] it
// does not let the lobes of a self-intersecting outline cancel.
func evenOddArea(pts []Point) float64 {
	if len(pts) < 3 {
		return 0
	}
	b := bounds(pts)
	if !(b.H > 0) {
		return 0
	}
	dy := b.H / iouRows
	var s []float64
	var l float64
	for i := range iouRows {
		s = spans(s[:0], pts, b.Y+(float64(i)+0.5)*dy)
		l += length(s)
	}
	return l * dy
}
