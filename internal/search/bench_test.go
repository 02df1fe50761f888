package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// corpus returns n records of 60 words drawn from a vocabulary of 20,000,
// about 400 bytes each.
func corpus(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	docs := make([]string, n)
	for i := range docs {
		var b strings.Builder
		for range 60 {
			fmt.Fprintf(&b, "w%d ", r.IntN(20000))
		}
		docs[i] = b.String()
	}
	return docs
}

// BenchmarkBuild measures building the index of a datanet of 10,000
// records, which a model does once after every start.
func BenchmarkBuild(b *testing.B) {
	docs := corpus(10_000)
	for b.Loop() {
		x := New()
		for i, d := range docs {
			x.Add(fmt.Sprint(i), d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/10k-records")
}

func BenchmarkSearch(b *testing.B) {
	docs := corpus(50_000)
	x := New()
	for i, d := range docs {
		x.Add(fmt.Sprint(i), d)
	}
	for b.Loop() {
		x.Search("w17 w4242 w19999 w300 w8", 3)
	}
}

// BenchmarkRemove measures erasing one record from an index of 50,000.
func BenchmarkRemove(b *testing.B) {
	docs := corpus(50_000)
	x := New()
	for i, d := range docs {
		x.Add(fmt.Sprint(i), d)
	}
	i := 0
	for b.Loop() {
		id := fmt.Sprint(i % len(docs))
		x.Remove(id)
		b.StopTimer()
		x.Add(id, docs[i%len(docs)])
		i++
		b.StartTimer()
	}
}
