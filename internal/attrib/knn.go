package attrib

import (
	"fmt"
	"math"
)

// Utility is the value of a set of training points to a k-nearest-neighbour
// classifier on one test point. Both are 0 for the empty set, and both look
// at the min(K, |S|) training points of S nearest to the test point, of
// which m carry the test point's label.
type Utility int

const (
	// FixedK is m / K: the likelihood of the right label when the vote is
	// always divided by K, even when S holds fewer than K points. It is the
	// utility of Jia et al. 2019 (Theorem 1).
	FixedK Utility = iota
	// Soft is m / min(K, |S|): the share of the actual neighbours that
	// vote for the right label, the soft-label KNN utility of Wang & Jia
	// 2023.
	Soft
)

func (u Utility) String() string {
	switch u {
	case FixedK:
		return "fixed-k"
	case Soft:
		return "soft"
	}
	return fmt.Sprintf("Utility(%d)", int(u))
}

// matchBit marks, in a sorted pair, a training point whose label is the
// test point's; the index takes the 31 bits below it.
const (
	matchBit  = 1 << 31
	maxPoints = matchBit - 1
)

// Points are labelled vectors, row i being X[i*Dim : (i+1)*Dim].
type Points struct {
	IDs    []string
	Labels []string
	Dim    int
	X      []float32
}

func (p *Points) Len() int { return len(p.Labels) }

func (p *Points) check(what string) error {
	if p.Len() == 0 {
		return fmt.Errorf("%s: no points", what)
	}
	if p.Dim < 1 || len(p.X) != p.Len()*p.Dim || len(p.IDs) != p.Len() {
		return fmt.Errorf("%s: %d labels, %d ids and %d coordinates do not make rows of %d", what, p.Len(), len(p.IDs), len(p.X), p.Dim)
	}
	if p.Len() > maxPoints {
		return fmt.Errorf("%s: %d points, more than %d", what, p.Len(), maxPoints)
	}
	return nil
}

// KNNShapley returns the exact Shapley value of every training point for a
// k-nearest-neighbour classifier with the given utility, averaged over the
// test points. Distances are Euclidean, computed in float32; training
// points at equal distance are ranked by their position in train.
func KNNShapley(train, test *Points, k int, u Utility) ([]float64, error) {
	if k < 1 {
		return nil, fmt.Errorf("knn-shapley: k is %d, want at least 1", k)
	}
	if u != FixedK && u != Soft {
		return nil, fmt.Errorf("knn-shapley: unknown utility %v", u)
	}
	if err := train.check("training points"); err != nil {
		return nil, err
	}
	if err := test.check("test points"); err != nil {
		return nil, err
	}
	if train.Dim != test.Dim {
		return nil, fmt.Errorf("knn-shapley: training points have %d features, test points %d", train.Dim, test.Dim)
	}
	labels := map[string]int32{}
	code := func(l string) int32 {
		c, ok := labels[l]
		if !ok {
			c = int32(len(labels))
			labels[l] = c
		}
		return c
	}
	y := make([]int32, train.Len())
	for i, l := range train.Labels {
		y[i] = code(l)
	}
	v := newKNNValuer(len(y), k, u)
	v.x, v.dim, v.y = train.X, train.Dim, y
	out := make([]float64, train.Len())
	scale := 1 / float64(test.Len())
	for j, l := range test.Labels {
		v.add(test.X[j*test.Dim:(j+1)*test.Dim], code(l), scale, out)
	}
	return out, nil
}

// A knnValuer computes values for one test point at a time, reusing its
// buffers.
type knnValuer struct {
	x     []float32
	dim   int
	y     []int32
	k     int
	u     Utility
	step  []float64 // step[i]: s(i) − s(i+1) per unit of label difference, 1-based rank i
	pairs []uint64  // distance key << 32 | index
	tmp   []uint64
}

func newKNNValuer(n, k int, u Utility) *knnValuer {
	v := &knnValuer{k: k, u: u,
		step: make([]float64, n), pairs: make([]uint64, n), tmp: make([]uint64, n)}
	// Both recursions compare neighbours i and i+1 in rank. A subset S of
	// the other N-2 points gives them different utilities only if fewer
	// than K points of S are nearer, and then FixedK differs by 1/K; summed
	// with Shapley weights that is min(K,i)/(i·K) (Jia et al., Theorem 1).
	// Soft divides by min(K, |S|+1) instead: the extra 1/(|S|+1) − 1/K
	// for |S| ≤ K−2 applies to every S of that size (none can have K points
	// nearer), which adds the same H/(N−1) at every rank, with
	// H = Σ_{s=0}^{min(K,N)−2} (1/(s+1) − 1/K).
	extra := 0.0
	if u == Soft && n > 1 {
		for s := 0; s <= min(k, n)-2; s++ {
			extra += 1/float64(s+1) - 1/float64(k)
		}
		extra /= float64(n - 1)
	}
	for i := 1; i < n; i++ {
		v.step[i] = float64(min(k, i))/(float64(i)*float64(k)) + extra
	}
	return v
}

// add adds scale times the value of every training point for test point
// (q, label) to out.
func (v *knnValuer) add(q []float32, label int32, scale float64, out []float64) {
	n := len(v.y)
	// Each pair holds the distance (d ≥ 0, so its bits order as its
	// value), whether the label matches (bit 31) and the index, so that
	// the pass over the sorted pairs reads them in order.
	for i := range n {
		d := sqDist(v.x[i*v.dim:(i+1)*v.dim], q)
		v.pairs[i] = uint64(math.Float32bits(d))<<32 | uint64(i)
		if v.y[i] == label {
			v.pairs[i] |= matchBit
		}
	}
	v.value(scale, out)
}

// value adds scale times the value of every training point to out, from
// pairs holding each point's distance, match bit and index.
func (v *knnValuer) value(scale float64, out []float64) {
	n := len(v.pairs)
	sortByHigh32(v.pairs, v.tmp)

	match := func(rank int) float64 { // rank is 0-based here
		return float64(v.pairs[rank] & matchBit >> 31)
	}
	index := func(rank int) uint32 { return uint32(v.pairs[rank] &^ matchBit) }
	// The farthest point: it is among the K nearest of S ∪ {it} exactly
	// when |S| < K.
	mN := match(n - 1)
	var s float64
	switch v.u {
	case FixedK:
		s = mN / float64(max(n, v.k))
	case Soft:
		if n == 1 {
			s = mN
		} else {
			// Marginal (m_N − μ)/(|S|+1) for 1 ≤ |S| < K, m_N for S = ∅,
			// where μ is the mean label match of the others.
			total := 0.0
			for r := range n {
				total += match(r)
			}
			mu := (total - mN) / float64(n-1)
			h := 0.0
			for j := 1; j <= min(v.k, n); j++ {
				h += 1 / float64(j)
			}
			s = ((mN-mu)*h + mu) / float64(n)
		}
	}
	out[index(n-1)] += scale * s
	next := mN
	for r := n - 2; r >= 0; r-- {
		m := match(r)
		s += (m - next) * v.step[r+1]
		out[index(r)] += scale * s
		next = m
	}
}

// sqDist is the squared Euclidean distance, with four accumulators so that
// the additions need not wait for each other.
func sqDist(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// sortByHigh32 sorts pairs by their upper 32 bits, stably, by least
// significant digit radix sort in passes of 11, 11 and 10 bits; a pass in
// which every key has the same digit is skipped. tmp is scratch of the same
// length.
func sortByHigh32(pairs, tmp []uint64) {
	const bits = 11
	var counts [3][1 << bits]int
	for _, p := range pairs {
		k := p >> 32
		counts[0][k&(1<<bits-1)]++
		counts[1][k>>bits&(1<<bits-1)]++
		counts[2][k>>(2*bits)]++
	}
	src, dst := pairs, tmp
	for pass := range 3 {
		c := &counts[pass]
		shift := 32 + pass*bits
		if c[(src[0]>>shift)&(1<<bits-1)] == len(src) {
			continue
		}
		sum := 0
		for d, n := range c {
			c[d] = sum
			sum += n
		}
		for _, p := range src {
			d := (p >> shift) & (1<<bits - 1)
			dst[c[d]] = p
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &pairs[0] {
		copy(pairs, src)
	}
}
