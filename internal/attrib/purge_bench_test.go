package attrib

import (
	"runtime"
	"testing"
)

// BenchmarkPurgeOne measures what erasing one record costs the span index
// when its text must leave the disk at once: Purge rewrites the one
// segment that held it. The segment is as large as a model's corpus lets
// one grow (4 MiB of text, internal/model) unless ALLMENDE_BENCH_CORPUS_MB
// says otherwise (in MiB here); records are 50 to 300 words.
func BenchmarkPurgeOne(b *testing.B) {
	size := benchEnvInt(b, "ALLMENDE_BENCH_CORPUS_MB", 4) << 20
	x, err := Open(b.TempDir(), Options{Create: true, MaxSegmentBytes: size + size/8})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	rs := newWordSalad(1, 20000).records(size, 50, 300)
	if _, err := x.Add(b.Context(), RecordsOf(rs...)); err != nil {
		b.Fatal(err)
	}
	if st := x.Stats(); st.Segments != 1 {
		b.Fatalf("%d segments, want one", st.Segments)
	}
	b.ReportMetric(float64(len(rs)), "records")
	runtime.LockOSThread()
	c0 := threadCPU()
	i := 0
	for b.Loop() {
		if n, err := x.Purge(b.Context(), rs[i].ID); err != nil || n != 1 {
			b.Fatalf("Purge = %d, %v", n, err)
		}
		i++
	}
	b.ReportMetric((threadCPU()-c0).Seconds()*1000/float64(b.N), "cpu-ms/op")
}
