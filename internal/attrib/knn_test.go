package attrib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// utilityOf evaluates u on the subset S (a bitmask over ranks: bit r is the
// training point of rank r, nearest first) with the given label matches.
// This is the definition both closed forms must agree with: 0 for the empty
// set; otherwise the matches among the min(K,|S|) nearest, divided by K
// (FixedK) or by min(K,|S|) (Soft).
func utilityOf(u Utility, k int, match []float64, set uint) float64 {
	taken, m := 0, 0.0
	for r := 0; r < len(match) && taken < k; r++ {
		if set&(1<<r) != 0 {
			m += match[r]
			taken++
		}
	}
	switch {
	case taken == 0:
		return 0
	case u == FixedK:
		return m / float64(k)
	default:
		return m / float64(taken)
	}
}

// bruteShapley computes the Shapley value of each rank by enumerating every
// subset: φ_i = Σ_{S ∌ i} |S|!(N−|S|−1)!/N! · (v(S ∪ {i}) − v(S)).
func bruteShapley(u Utility, k int, match []float64) []float64 {
	n := len(match)
	fact := make([]float64, n+1)
	fact[0] = 1
	for i := 1; i <= n; i++ {
		fact[i] = fact[i-1] * float64(i)
	}
	phi := make([]float64, n)
	for i := range n {
		for set := uint(0); set < 1<<n; set++ {
			if set&(1<<i) != 0 {
				continue
			}
			size := popcount(set)
			w := fact[size] * fact[n-size-1] / fact[n]
			phi[i] += w * (utilityOf(u, k, match, set|1<<i) - utilityOf(u, k, match, set))
		}
	}
	return phi
}

func popcount(x uint) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// randomPoints makes n points on a small integer grid, so that squared
// distances are exact in float32 and ties are common.
func randomPoints(r *rand.Rand, n, dim, labels int, prefix string) *Points {
	p := &Points{Dim: dim}
	for i := range n {
		p.IDs = append(p.IDs, fmt.Sprint(prefix, i))
		p.Labels = append(p.Labels, fmt.Sprint("c", r.IntN(labels)))
		for range dim {
			p.X = append(p.X, float32(r.IntN(5)-2))
		}
	}
	return p
}

// ranks orders the training points by squared distance to q, then index,
// independently of the code under test.
func ranks(train *Points, q []float32) []int {
	order := make([]int, train.Len())
	dist := make([]float64, train.Len())
	for i := range order {
		order[i] = i
		for d := range train.Dim {
			diff := float64(train.X[i*train.Dim+d]) - float64(q[d])
			dist[i] += diff * diff
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(dist[a], dist[b]) })
	return order
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestKNNShapleyMatchesEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 400 {
		n := 1 + r.IntN(10)
		k := 1 + r.IntN(n+2) // also K > N
		tests := 1 + r.IntN(3)
		train := randomPoints(r, n, 1+r.IntN(3), 1+r.IntN(3), "t")
		test := randomPoints(r, tests, train.Dim, 3, "q")
		for _, u := range []Utility{FixedK, Soft} {
			got, err := KNNShapley(train, test, k, u)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, n)
			for j := range tests {
				q := test.X[j*test.Dim : (j+1)*test.Dim]
				order := ranks(train, q)
				match := make([]float64, n)
				for rk, i := range order {
					if train.Labels[i] == test.Labels[j] {
						match[rk] = 1
					}
				}
				phi := bruteShapley(u, k, match)
				for rk, i := range order {
					want[i] += phi[rk] / float64(tests)
				}
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-9 {
					t.Fatalf("iteration %d, %v, N=%d K=%d: value of point %d is %.12f, enumeration gives %.12f\ngot  %v\nwant %v",
						iter, u, n, k, i, got[i], want[i], got, want)
				}
			}
		}
	}
}

// TestKNNShapleyEfficiency checks, at sizes too large to enumerate, that the
// values of one test point add up to the utility of the whole training set
// (the efficiency axiom), for both utilities.
func TestKNNShapleyEfficiency(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{50, 1000} {
		for _, k := range []int{1, 5, 60} {
			train := randomPoints(r, n, 4, 3, "t")
			test := randomPoints(r, 1, 4, 3, "q")
			order := ranks(train, test.X)
			for _, u := range []Utility{FixedK, Soft} {
				vals, err := KNNShapley(train, test, k, u)
				if err != nil {
					t.Fatal(err)
				}
				sum, m := 0.0, 0.0
				for _, v := range vals {
					sum += v
				}
				for _, i := range order[:min(k, n)] {
					if train.Labels[i] == test.Labels[0] {
						m++
					}
				}
				want := m / float64(k)
				if u == Soft {
					want = m / float64(min(k, n))
				}
				if math.Abs(sum-want) > 1e-9 {
					t.Fatalf("N=%d K=%d %v: values sum to %.12f, v(N) = %.12f", n, k, u, sum, want)
				}
			}
		}
	}
}

func TestKNNShapleyErrors(t *testing.T) {
	ok := &Points{IDs: []string{"a"}, Labels: []string{"x"}, Dim: 2, X: []float32{1, 2}}
	tests := []struct {
		name        string
		train, test *Points
		k           int
		want        string
	}{
		{"k zero", ok, ok, 0, "k is 0, want at least 1"},
		{"dimensions differ", ok, &Points{IDs: []string{"q"}, Labels: []string{"x"}, Dim: 3, X: []float32{1, 2, 3}}, 1, "training points have 2 features, test points 3"},
		{"no training points", &Points{Dim: 2}, ok, 1, "training points: no points"},
		{"ragged", &Points{IDs: []string{"a"}, Labels: []string{"x"}, Dim: 2, X: []float32{1}}, ok, 1, "do not make rows of 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := KNNShapley(tc.train, tc.test, tc.k, FixedK)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSortByHigh32(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, spread := range []uint64{1, 1 << 11, 1 << 22, 1 << 32} {
		pairs := make([]uint64, 5000)
		for i := range pairs {
			pairs[i] = r.Uint64N(spread)<<32 | uint64(i)
		}
		want := slices.Clone(pairs)
		slices.SortStableFunc(want, func(a, b uint64) int { return cmpFloat(float64(a>>32), float64(b>>32)) })
		sortByHigh32(pairs, make([]uint64, len(pairs)))
		if !slices.Equal(pairs, want) {
			t.Fatalf("keys below %d: not a stable sort by key", spread)
		}
	}
}
