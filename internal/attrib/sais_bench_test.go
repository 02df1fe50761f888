package attrib

import (
	"index/suffixarray"
	"runtime"
	"testing"
	"time"
)

// BenchmarkBuildSuffixArray measures SA-IS on word-salad text (the size is
// ALLMENDE_BENCH_CORPUS_MB, default 8) and, as the baseline, the standard
// library's index/suffixarray.New on the same text in the same run.
func BenchmarkBuildSuffixArray(b *testing.B) {
	size := benchCorpusBytes(b)
	rs := newWordSalad(1, 20000).records(size, 50, 300)
	var text []byte
	for _, r := range rs {
		text = append(text, r.Text...)
		text = append(text, separator)
	}
	// The suffix array lives where segment builds put it (see reserve).
	mem, release := reserve(4 * len(text))
	defer release()
	sa := int32s(mem[:4*len(text)], 0, len(text))
	b.SetBytes(int64(len(text)))
	runtime.LockOSThread()
	c0 := threadCPU()
	b.ResetTimer()
	for b.Loop() {
		buildSuffixArray(text, sa)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(text))*float64(b.N)/(threadCPU()-c0).Seconds()/1e6, "cpuMB/s")
	ours := float64(len(text)) * float64(b.N) / b.Elapsed().Seconds() / 1e6
	start := time.Now()
	suffixarray.New(text)
	std := float64(len(text)) / time.Since(start).Seconds() / 1e6
	b.ReportMetric(ours, "MB/s")
	b.ReportMetric(std, "stdlib-MB/s")
}
