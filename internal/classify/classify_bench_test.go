package classify

import (
	"context"
	"testing"
)

// go test ./internal/classify -run '^$' -bench . measures training and the
// cost of one call on 10,000 short support messages.

func benchModel(b *testing.B, kind Kind) *Model {
	b.Helper()
	m, _, err := Train(context.Background(), corpus(10000, 11), Options{Kind: kind}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

const benchText = "hello, my parcel never arrived and the tracking page shows an error, please refund the invoice"

func BenchmarkTrain(b *testing.B) {
	ex := corpus(10000, 11)
	for _, kind := range []Kind{KindLinear, KindKNN} {
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Train(context.Background(), ex, Options{Kind: kind}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPredict(b *testing.B) {
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m := benchModel(b, kind)
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				m.Predict(benchText)
			}
		})
	}
}

func BenchmarkExplain(b *testing.B) {
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m := benchModel(b, kind)
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				m.Explain(benchText, 10)
			}
		})
	}
}
