package behavior

import (
	"math"
	"time"
)

// CopyThreshold is the [Similarity] at and above which a recording is taken
// for a replay or disguised copy of an earlier one. Two independent
// recordings of the same task — by two people, or by one person on two
// days — stay far below it, because people never repeat their own pauses or
// click positions that closely; see TestEvalCopies.
const CopyThreshold = 0.5

// Parameters of the similarity, in the units of what they compare.
const (
	// maxBeats caps the events compared, keeping the alignment's cost
	// bounded; a copy is a copy from its start.
	maxBeats = 1000
	// minBeats: fewer events cannot show a timing pattern.
	minBeats = 8
	// lengthRatio: recordings whose event counts differ more than this are
	// not copies of each other, whatever their timing.
	lengthRatio = 0.7
	// kindPenalty is the cost of aligning two different kinds of event.
	kindPenalty = 1.0
	// warpPenalty is the cost of aligning one event with two: a copy may
	// drop or add a few events, but free warping would let two unrelated
	// timing sequences align their noise.
	warpPenalty = 0.5
	// alignTiming weighs interval differences while aligning. It is small,
	// so that the alignment follows the steps (which a copy keeps) and uses
	// timing only to place insertions within a run of like events; a copy
	// whose timing was replaced wholesale still aligns step by step and is
	// caught by its positions.
	alignTiming = 0.1
	// timeScale is the mean difference in log interval (natural log) at
	// which timing similarity falls to 1/e: about ±15 % per interval.
	timeScale = 0.15
	// spaceScale is the median distance in px between aligned click
	// positions and paths at which spatial similarity falls to 1/e.
	spaceScale = 4.0
	// minSpatialPairs: fewer aligned pointer events say nothing.
	minSpatialPairs = 3
)

// Similarity is how likely b is a replay or disguised copy of a (or a of b),
// in [0,1]. It aligns the two event sequences step by step with dynamic time
// warping (H. Sakoe and S. Chiba, "Dynamic programming algorithm
// optimization for spoken word recognition", IEEE Trans. ASSP 26(1), 1978)
// over the kinds of event, with a cost for warping so that only true
// insertions and deletions are absorbed. Two things are compared along the
// alignment:
//
//   - timing: the mean difference of log intervals, centred on their median
//     so that a copy played faster or slower still matches; a person's own
//     pauses differ from one session to the next by far more than a copy's
//     jitter;
//   - space: the median distance between aligned click positions and pointer
//     paths (resampled by arc length); two people, or one person twice,
//     land some pixels apart, a replay on the same pixels.
//
// The similarity is the larger of the two, so that disguising only one of
// them does not hide a copy. Invalid recordings have similarity 0.
func Similarity(a, b Recording) float64 {
	if a.Validate() != nil || b.Validate() != nil {
		return 0
	}
	return beatSimilarity(beatsOf(a), beatsOf(b))
}

// DetectCopy finds the earlier recording r is most similar to. best is -1
// and similarity 0 when previous is empty or r is invalid; r is a copy when
// similarity ≥ CopyThreshold.
func DetectCopy(r Recording, previous []Recording) (best int, similarity float64) {
	best = -1
	if r.Validate() != nil {
		return best, 0
	}
	rb := beatsOf(r)
	for i, p := range previous {
		if p.Validate() != nil {
			continue
		}
		if s := beatSimilarity(rb, beatsOf(p)); s > similarity {
			best, similarity = i, s
		}
	}
	return best, similarity
}

// beat is one event as the copy detector sees it.
type beat struct {
	kind   Kind
	logGap float64 // log interval since the previous beat, centred
	x, y   float64
	pos    bool    // x, y are a pointer position
	shape  []Point // the path resampled by arc length, nil if none
}

// beatsOf keeps the events a person decides on (keyups and input echoes
// follow from keydowns) with their intervals.
func beatsOf(r Recording) []beat {
	var bs []beat
	var gaps []float64
	prev := time.Duration(-1)
	for _, e := range r.Events {
		if e.Kind == KindKeyUp || e.Kind == KindInput {
			continue
		}
		if len(bs) == maxBeats {
			break
		}
		b := beat{kind: e.Kind}
		if prev >= 0 {
			b.logGap = math.Log(math.Max((e.T - prev).Seconds(), 1e-3))
			gaps = append(gaps, b.logGap)
		}
		prev = e.T
		switch e.Kind {
		case KindClick, KindDoubleClick, KindHover:
			if e.X != 0 || e.Y != 0 || len(e.Path) > 0 {
				b.x, b.y, b.pos = e.X, e.Y, true
			}
			b.shape = resample(e.Path, 16)
		}
		bs = append(bs, b)
	}
	// Centring on the median makes a uniformly faster or slower replay
	// align with its original; the first beat has no interval and gets the
	// median, which costs nothing.
	m := median(gaps)
	for i := range bs {
		if i == 0 {
			bs[i].logGap = 0
			continue
		}
		bs[i].logGap -= m
	}
	return bs
}

func beatSimilarity(a, b []beat) float64 {
	n, m := len(a), len(b)
	if min(n, m) < minBeats || float64(min(n, m)) < lengthRatio*float64(max(n, m)) {
		return 0
	}
	pairs := align(a, b)
	simTime := math.Exp(-timingCost(a, b, pairs) / timeScale)

	var dists []float64
	for _, p := range pairs {
		x, y := a[p[0]], b[p[1]]
		if !x.pos || !y.pos || x.kind != y.kind {
			continue
		}
		d := math.Hypot(x.x-y.x, x.y-y.y)
		if x.shape != nil && y.shape != nil {
			d = (d + shapeDistance(x.shape, y.shape)) / 2
		}
		dists = append(dists, d)
	}
	simSpace := 0.0
	if len(dists) >= minSpatialPairs {
		// The median, because a dropped or added movement shifts a few
		// pairs onto unrelated events; the rest still land on the same
		// pixels.
		simSpace = math.Exp(-median(dists) / spaceScale)
	}
	return math.Max(simTime, simSpace)
}

// timingCost is the cost of an alignment per event of the longer sequence:
// the differences of aligned log intervals, kindPenalty for each pair of
// unlike events and warpPenalty for each event aligned with two.
func timingCost(a, b []beat, pairs [][2]int) float64 {
	if len(pairs) == 0 {
		return math.Inf(1)
	}
	var c float64
	for _, p := range pairs {
		x, y := a[p[0]], b[p[1]]
		c += math.Abs(x.logGap - y.logGap)
		if x.kind != y.kind {
			c += kindPenalty
		}
	}
	// A path of L cells from (1,1) to (n,m) has 2L−n−m non-diagonal steps.
	c += warpPenalty * float64(2*len(pairs)-len(a)-len(b))
	return c / float64(max(len(a), len(b)))
}

// align is dynamic time warping of a and b within a band around the
// diagonal, wide enough for the difference in length. It returns the
// aligned index pairs, last first, or nil if the band admits no path. Two
// rows of costs and a band of back-pointers keep it in O(n·band) time and
// memory.
func align(a, b []beat) (pairs [][2]int) {
	const (
		diag = iota
		up   // a advances, b stays
		left // b advances, a stays
	)
	n, m := len(a), len(b)
	w := 8 + abs(n-m)
	width := 2*w + 1
	band := func(i int) (lo, hi int) {
		c := i * m / n
		return max(1, c-w), min(m, c+w)
	}
	inf := math.Inf(1)
	prev, cur := make([]float64, m+1), make([]float64, m+1)
	back := make([]uint8, (n+1)*width)
	prev[0] = 0
	loPrev, hiPrev := 0, 0
	for i := 1; i <= n; i++ {
		lo, hi := band(i)
		for j := lo; j <= hi; j++ {
			c := alignTiming * math.Abs(a[i-1].logGap-b[j-1].logGap)
			if a[i-1].kind != b[j-1].kind {
				c += kindPenalty
			}
			best, dir := inf, uint8(diag)
			if j-1 >= loPrev && j-1 <= hiPrev {
				best = prev[j-1]
			}
			if j >= loPrev && j <= hiPrev && prev[j]+warpPenalty < best {
				best, dir = prev[j]+warpPenalty, up
			}
			if j-1 >= lo && cur[j-1]+warpPenalty < best {
				best, dir = cur[j-1]+warpPenalty, left
			}
			cur[j] = c + best
			back[i*width+j-lo] = dir
		}
		prev, cur = cur, prev
		loPrev, hiPrev = lo, hi
	}
	if m < loPrev || m > hiPrev || math.IsInf(prev[m], 1) {
		return nil
	}
	for i, j := n, m; i > 0 && j > 0; {
		pairs = append(pairs, [2]int{i - 1, j - 1})
		lo, _ := band(i)
		switch back[i*width+j-lo] {
		case diag:
			i, j = i-1, j-1
		case up:
			i--
		default:
			j--
		}
	}
	return pairs
}

// resample returns k points evenly spaced along the path's length, so that
// two paths of the same shape compare equal however they were sampled.
func resample(path []Point, k int) []Point {
	if len(path) < 2 {
		return nil
	}
	cum := make([]float64, len(path))
	for i := 1; i < len(path); i++ {
		cum[i] = cum[i-1] + math.Hypot(path[i].X-path[i-1].X, path[i].Y-path[i-1].Y)
	}
	total := cum[len(cum)-1]
	if total == 0 {
		return nil
	}
	out := make([]Point, k)
	seg := 1
	for q := range out {
		s := total * float64(q) / float64(k-1)
		for seg < len(path)-1 && cum[seg] < s {
			seg++
		}
		a, b := path[seg-1], path[seg]
		f := 0.0
		if l := cum[seg] - cum[seg-1]; l > 0 {
			f = clamp((s-cum[seg-1])/l, 0, 1)
		}
		out[q] = Point{X: a.X + f*(b.X-a.X), Y: a.Y + f*(b.Y-a.Y)}
	}
	return out
}

// shapeDistance is the mean distance between corresponding points of two
// resampled paths.
func shapeDistance(a, b []Point) float64 {
	var s float64
	for i := range a {
		s += math.Hypot(a[i].X-b[i].X, a[i].Y-b[i].Y)
	}
	return s / float64(len(a))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
