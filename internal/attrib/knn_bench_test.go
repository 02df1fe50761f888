package attrib

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// BenchmarkKNNShapley values ALLMENDE_BENCH_KNN_N training points (default
// 1,000,000) of ALLMENDE_BENCH_KNN_DIM features (default 32) against one
// test point per operation, for both utilities. The baseline is what exact
// values cost without the closed form's help: Monte-Carlo permutation
// sampling (the baseline of Jia et al.) with as many permutations as
// points, O(N² log K), timed at N = 2,000 in the same run and scaled by
// (N/2000)². Run with -cpu 1 for single-core figures.
func BenchmarkKNNShapley(b *testing.B) {
	n := benchEnvInt(b, "ALLMENDE_BENCH_KNN_N", 1_000_000)
	dim := benchEnvInt(b, "ALLMENDE_BENCH_KNN_DIM", 32)
	const k = 10
	r := rand.New(rand.NewPCG(1, 1))
	train := &Points{Dim: dim, X: make([]float32, n*dim), IDs: make([]string, n), Labels: make([]string, n)}
	for i := range n {
		train.Labels[i] = fmt.Sprint(r.IntN(10))
		for d := range dim {
			train.X[i*dim+d] = float32(r.NormFloat64())
		}
	}
	test := &Points{Dim: dim, X: train.X[:dim], IDs: []string{"q"}, Labels: []string{"3"}}
	for _, u := range []Utility{FixedK, Soft} {
		b.Run(u.String(), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if _, err := KNNShapley(train, test, k, u); err != nil { // warm the heap
				b.Fatal(err)
			}
			c0 := threadCPU()
			for b.Loop() {
				if _, err := KNNShapley(train, test, k, u); err != nil {
					b.Fatal(err)
				}
			}
			cpu := threadCPU() - c0
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/test-point")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/test-point")
			const small = 2000
			base := permutationSamplingTime(small, k)
			scale := float64(n) / small
			b.ReportMetric(base.Seconds()*scale*scale, "baseline-s/test-point")
		})
	}
}

// permutationSamplingTime times Monte-Carlo Shapley estimation over n
// points with n permutations: in each, points join in random order, and a
// max-heap of the ranks of the K nearest joined so far gives each one's
// marginal contribution to the FixedK utility.
func permutationSamplingTime(n, k int) time.Duration {
	r := rand.New(rand.NewPCG(2, 2))
	match := make([]float64, n) // by rank
	for i := range match {
		match[i] = float64(r.IntN(2))
	}
	phi := make([]float64, n)
	perm := r.Perm(n)
	heap := make([]int, 0, k)
	start := time.Now()
	for range n {
		r.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		heap = heap[:0]
		for _, rank := range perm {
			switch {
			case len(heap) < k:
				phi[rank] += match[rank] / float64(k)
				heap = append(heap, rank)
				for i := len(heap) - 1; i > 0 && heap[(i-1)/2] < heap[i]; i = (i - 1) / 2 {
					heap[i], heap[(i-1)/2] = heap[(i-1)/2], heap[i]
				}
			case rank < heap[0]:
				phi[rank] += (match[rank] - match[heap[0]]) / float64(k)
				heap[0] = rank
				for i := 0; ; {
					c := 2*i + 1
					if c >= len(heap) {
						break
					}
					if c+1 < len(heap) && heap[c+1] > heap[c] {
						c++
					}
					if heap[i] >= heap[c] {
						break
					}
					heap[i], heap[c] = heap[c], heap[i]
					i = c
				}
			}
		}
	}
	return time.Since(start)
}
