package attrib

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSplit divides 10^15 units among 100,000 weights spread over
// twelve orders of magnitude, with exact arithmetic.
func BenchmarkSplit(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	weights := make([]float64, 100_000)
	for i := range weights {
		weights[i] = r.ExpFloat64() * float64(int64(1)<<r.IntN(40))
	}
	for b.Loop() {
		if _, err := Split(1_000_000_000_000_000, weights); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(weights)), "ns/weight")
}
