package attrib

import (
	"fmt"
	"math"
)

// KNNShapleyDistances returns the exact Shapley value of every training
// point for a k-nearest-neighbour classifier on one test point, given each
// training point's distance to it and whether its label is the test
// point's. It is KNNShapley for callers whose points are not dense rows
// (sparse text vectors, say): any distance whose order is the
// classifier's will do. Points at equal distance are ranked by position.
func KNNShapleyDistances(dist []float32, match []bool, k int, u Utility) ([]float64, error) {
	if k < 1 {
		return nil, fmt.Errorf("knn-shapley: k is %d, want at least 1", k)
	}
	if u != FixedK && u != Soft {
		return nil, fmt.Errorf("knn-shapley: unknown utility %v", u)
	}
	if len(dist) == 0 {
		return nil, fmt.Errorf("knn-shapley: no training points")
	}
	if len(dist) != len(match) {
		return nil, fmt.Errorf("knn-shapley: %d distances and %d label matches", len(dist), len(match))
	}
	if len(dist) > maxPoints {
		return nil, fmt.Errorf("knn-shapley: %d points, more than %d", len(dist), maxPoints)
	}
	v := newKNNValuer(len(dist), k, u)
	for i, d := range dist {
		// The sort reads a distance's bits as an unsigned number, which
		// orders non-negative floats (and +0 only) as their values.
		if !(d >= 0) || math.IsInf(float64(d), 1) {
			return nil, fmt.Errorf("knn-shapley: distance %d is %v, want a finite number at least 0", i, d)
		}
		if d == 0 {
			d = 0 // −0 has the sign bit set
		}
		v.pairs[i] = uint64(math.Float32bits(d))<<32 | uint64(i)
		if match[i] {
			v.pairs[i] |= matchBit
		}
	}
	out := make([]float64, len(dist))
	v.value(1, out)
	return out, nil
}
