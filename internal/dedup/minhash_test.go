package dedup

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestAffine61(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	p := new(big.Int).SetUint64(mersenne61)
	edge := []uint64{0, 1, 2, mersenne61 - 2, mersenne61 - 1}
	for i := range 20000 {
		a, x, b := rng.Uint64N(mersenne61), rng.Uint64N(mersenne61), rng.Uint64N(mersenne61)
		if i < len(edge)*len(edge) {
			a, x, b = edge[i%len(edge)], edge[i/len(edge)], edge[(i*7)%len(edge)]
		}
		want := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(x))
		want.Add(want, new(big.Int).SetUint64(b)).Mod(want, p)
		if got := affine61(a, x, b); got != want.Uint64() {
			t.Fatalf("affine61(%d, %d, %d) = %d, want %d", a, x, b, got, want.Uint64())
		}
	}
	if got := mod61(math.MaxUint64); got != new(big.Int).Mod(new(big.Int).SetUint64(math.MaxUint64), p).Uint64() {
		t.Errorf("mod61(2⁶⁴−1) = %d", got)
	}
}

// setsWithJaccard returns two random sets of hashes with Jaccard
// similarity exactly inter/(2n−inter).
func setsWithJaccard(rng *rand.Rand, n, inter int) (a, b []uint64) {
	for i := range n {
		v := rng.Uint64()
		a = append(a, v)
		if i < inter {
			b = append(b, v)
		} else {
			b = append(b, rng.Uint64())
		}
	}
	return a, b
}

// TestMinHashEstimates checks that both estimators are unbiased and as
// precise as the theory says, over many pairs at several similarities.
func TestMinHashEstimates(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const pairs, n = 300, 400
	for _, inter := range []int{0, 100, 267, 356, 390, 400} {
		j := float64(inter) / float64(2*n-inter)
		var sumFull, sumSketch, sqFull, sqSketch float64
		for range pairs {
			a, b := setsWithJaccard(rng, n, inter)
			sa, sb := minHash(a), minHash(b)
			full := sa.Similarity(sb)
			ka, kb := sketchOf(sa), sketchOf(sb)
			sk := sketchJaccard(&ka, &kb)
			sumFull += full
			sumSketch += sk
			sqFull += (full - j) * (full - j)
			sqSketch += (sk - j) * (sk - j)
		}
		meanFull, meanSketch := sumFull/pairs, sumSketch/pairs
		rmseFull, rmseSketch := math.Sqrt(sqFull/pairs), math.Sqrt(sqSketch/pairs)
		theory := math.Sqrt(j * (1 - j) / SignatureSize)
		t.Logf("J=%.3f: full mean %.3f rmse %.4f; 4-bit mean %.3f rmse %.4f; theory %.4f", j, meanFull, rmseFull, meanSketch, rmseSketch, theory)
		// The clamp at 0 biases the sketch estimate up for disjoint sets.
		tol := 0.01
		if j == 0 {
			tol = 0.03
		}
		if math.Abs(meanFull-j) > 0.01 || math.Abs(meanSketch-j) > tol {
			t.Errorf("J=%.3f: mean estimates %.3f (full), %.3f (sketch)", j, meanFull, meanSketch)
		}
		if rmseFull > 1.3*theory+0.001 || rmseSketch > 1.6*theory+0.02 {
			t.Errorf("J=%.3f: rmse %.4f (full), %.4f (sketch), theory %.4f", j, rmseFull, rmseSketch, theory)
		}
	}
}

func TestMinHashSet(t *testing.T) {
	if minHash(nil) != nil {
		t.Error("empty set has a signature")
	}
	// Order and repetition do not matter: it is a set.
	a := minHash([]uint64{1, 2, 3, 3, 2})
	b := minHash([]uint64{3, 1, 2})
	if *a != *b {
		t.Error("signature depends on order or repetition")
	}
	// The hash family is fixed: this value is in every index file.
	if got := minHash([]uint64{fnv64("hello")})[0]; got != uint32(affine61(permA[0], mod61(fnv64("hello")), permB[0])) {
		t.Errorf("signature[0] = %d", got)
	}
}
