package attrib

import (
	"os"
	"strconv"
	"testing"
)

// benchCorpusBytes is the corpus size the span benchmarks generate:
// ALLMENDE_BENCH_CORPUS_MB megabytes (10^6 bytes), 8 by default so that
// `go test -bench .` stays short; set it to 100 or 1000 for the figures in
// the package documentation.
func benchCorpusBytes(b *testing.B) int {
	return benchEnvInt(b, "ALLMENDE_BENCH_CORPUS_MB", 8) * 1e6
}

func benchEnvInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return v
}
