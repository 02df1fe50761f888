package attrib

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name    string
		amount  int64
		weights []float64
		want    []int64
	}{
		{"equal weights: ties in index order", 100, []float64{1, 1, 1}, []int64{34, 33, 33}},
		{"exact shares", 10, []float64{0.5, 0.3, 0.2}, []int64{5, 3, 2}},
		{"invalid weights get nothing", 7, []float64{2, nan, -1, 1, 0, inf, math.Inf(-1)}, []int64{5, 0, 0, 2, 0, 0, 0}},
		{"largest remainder wins", 10, []float64{1, 2, 4}, []int64{1, 3, 6}},
		{"zero amount", 0, []float64{1, 2}, []int64{0, 0}},
		{"one unit, many takers", 1, []float64{1, 3, 3, 2}, []int64{0, 1, 0, 0}},
		{"weights 2^2000 apart", 1_000_000_000_000_000, []float64{math.Ldexp(1, 1000), math.Ldexp(1, -1000), 5e-324}, []int64{1_000_000_000_000_000, 0, 0}},
		{"the largest amount", math.MaxInt64, []float64{1, 1}, []int64{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split(tc.amount, tc.weights)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Split(%d, %v) = %v, want %v", tc.amount, tc.weights, got, tc.want)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	for _, w := range [][]float64{nil, {0}, {-1, math.NaN(), math.Inf(1)}} {
		if _, err := Split(10, w); !errors.Is(err, ErrNoWeight) {
			t.Fatalf("Split(10, %v): %v, want ErrNoWeight", w, err)
		}
	}
	if _, err := Split(-1, []float64{1}); err == nil {
		t.Fatal("a negative amount was split")
	}
}

// TestSplitProperties checks on random inputs, up to 10^15 and beyond:
// the parts add up, none is negative, each is within 1 of its exact share
// (checked in exact rational arithmetic), invalid weights get nothing,
// and a larger weight never gets less.
func TestSplitProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	weight := func() float64 {
		switch r.IntN(12) {
		case 0:
			return 0
		case 1:
			return -r.Float64()
		case 2:
			return math.NaN()
		case 3:
			return math.Inf(1)
		case 4:
			return math.Ldexp(r.Float64(), r.IntN(2000)-1000) // extreme ratios
		case 5:
			return float64(r.IntN(3)) // many ties
		}
		return r.ExpFloat64()
	}
	for iter := range 3000 {
		n := 1 + r.IntN(30)
		if iter%100 == 0 {
			n = 5000
		}
		weights := make([]float64, n)
		for i := range weights {
			weights[i] = weight()
		}
		amount := r.Int64N(1_000_000_000_000_001)
		switch iter % 5 {
		case 0:
			amount = r.Int64N(100)
		case 1:
			amount = math.MaxInt64 - r.Int64N(1000)
		}
		parts, err := Split(amount, weights)
		valid := false
		for _, w := range weights {
			valid = valid || w > 0 && !math.IsInf(w, 1)
		}
		if !valid {
			if !errors.Is(err, ErrNoWeight) {
				t.Fatalf("no valid weight in %v: %v", weights, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checkSplit(t, amount, weights, parts)
	}
}

// checkSplit verifies the parts in exact arithmetic: big.Float with enough
// precision for float64 weights 2^2100 apart, a 64-bit amount and a sum of
// many weights, so that no operation rounds (each is checked to be exact).
func checkSplit(t *testing.T, amount int64, weights []float64, parts []int64) {
	t.Helper()
	const prec = 2600
	exactly := func(f *big.Float, acc big.Accuracy) *big.Float {
		if acc != big.Exact {
			t.Fatal("checkSplit: arithmetic rounded; raise prec")
		}
		return f
	}
	num := func() *big.Float { return new(big.Float).SetPrec(prec) }
	total := num()
	for _, w := range weights {
		if w > 0 && !math.IsInf(w, 1) {
			total = exactly(total, total.Add(total, big.NewFloat(w)).Acc())
		}
	}
	sum := new(big.Int)
	a := num().SetInt64(amount)
	for i, w := range weights {
		p := parts[i]
		if p < 0 {
			t.Fatalf("part %d is %d", i, p)
		}
		sum.Add(sum, big.NewInt(p))
		if !(w > 0) || math.IsInf(w, 1) {
			if p != 0 {
				t.Fatalf("weight %v got %d", w, p)
			}
			continue
		}
		// |p − amount·w/total| < 1  ⇔  |p·total − amount·w| < total
		lhs := num()
		lhs = exactly(lhs, lhs.Mul(num().SetInt64(p), total).Acc())
		aw := num()
		aw = exactly(aw, aw.Mul(a, big.NewFloat(w)).Acc())
		lhs = exactly(lhs, lhs.Sub(lhs, aw).Acc())
		if lhs.Abs(lhs).Cmp(total) >= 0 {
			t.Fatalf("part %d is %d, more than 1 from its exact share", i, p)
		}
	}
	if sum.Cmp(big.NewInt(amount)) != 0 {
		t.Fatalf("parts add up to %s, want %d", sum, amount)
	}
	// Monotone: walking the valid weights upwards, no part falls below a
	// part of a strictly smaller weight.
	var order []int
	for i, w := range weights {
		if w > 0 && !math.IsInf(w, 1) {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(weights[a], weights[b]) })
	below, group := int64(-1), int64(-1) // largest part of smaller weights, of the current weight
	for k, i := range order {
		if k > 0 && weights[i] > weights[order[k-1]] {
			below = max(below, group)
		}
		if parts[i] < below {
			t.Fatalf("weight %v got %d, a smaller weight got %d", weights[i], parts[i], below)
		}
		group = max(group, parts[i])
	}
}
