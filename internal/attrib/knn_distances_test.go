package attrib

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Given the Euclidean distances KNNShapley computes itself, the values are
// the same, for both utilities.
func TestKNNShapleyDistancesAgreesWithKNNShapley(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, dim = 60, 3
	train := &Points{Dim: dim}
	for i := range n {
		train.IDs = append(train.IDs, string(rune('a'+i%26))+string(rune('a'+i/26)))
		train.Labels = append(train.Labels, []string{"x", "y", "z"}[rng.IntN(3)])
		for range dim {
			// Few distinct coordinates, so that ties occur.
			train.X = append(train.X, float32(rng.IntN(4)))
		}
	}
	q := []float32{1, 2, 1}
	test := &Points{IDs: []string{"q"}, Labels: []string{"y"}, Dim: dim, X: q}
	dist := make([]float32, n)
	match := make([]bool, n)
	for i := range n {
		dist[i] = sqDist(train.X[i*dim:(i+1)*dim], q)
		match[i] = train.Labels[i] == "y"
	}
	for _, u := range []Utility{FixedK, Soft} {
		for _, k := range []int{1, 5, 100} {
			want, err := KNNShapley(train, test, k, u)
			if err != nil {
				t.Fatal(err)
			}
			got, err := KNNShapleyDistances(dist, match, k, u)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("%v k=%d point %d: %v, KNNShapley %v", u, k, i, got[i], want[i])
				}
			}
		}
	}
}

func TestKNNShapleyDistancesRefusesBadInput(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		dist  []float32
		match []bool
		k     int
	}{
		{nil, nil, 1},
		{[]float32{1}, []bool{true, false}, 1},
		{[]float32{1, -1}, []bool{true, false}, 1},
		{[]float32{1, nan}, []bool{true, false}, 1},
		{[]float32{1, 2}, []bool{true, false}, 0},
	} {
		if _, err := KNNShapleyDistances(tc.dist, tc.match, tc.k, FixedK); err == nil {
			t.Errorf("%v %v k=%d accepted", tc.dist, tc.match, tc.k)
		}
	}
	// −0 is a distance of 0, nearer than any other.
	v, err := KNNShapleyDistances([]float32{1, float32(math.Copysign(0, -1))}, []bool{false, true}, 1, FixedK)
	if err != nil || v[1] <= v[0] {
		t.Fatalf("values %v, %v", v, err)
	}
}
