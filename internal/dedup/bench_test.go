package dedup

import (
	"github.com/allmende/allmende/internal/shareddata"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// benchRecords is the index size of the large benchmarks: the target is
// a near-duplicate lookup under 5 ms and under 300 bytes per record at a
// million records. With -short it is a tenth, for a quick look.
func benchRecords() int {
	if testing.Short() {
		return 100_000
	}
	return 1_000_000
}

// heapAlloc returns the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// recordText re-creates the synthetic fingerprint of record id, so that
// the benchmark keeps no fingerprints alive beside the index it measures.
func recordText(id int) Fingerprint {
	return synthText(rand.New(rand.NewPCG(uint64(id), 1)))
}

func recordImage(id int) Fingerprint {
	return synthImage(rand.New(rand.NewPCG(uint64(id), 2)))
}

// BenchmarkTextQuery measures a near-duplicate text lookup in an index of
// benchRecords records with random signatures (unrelated texts, for which
// MinHash values are independent; the index does not see text). Half the
// queries are near copies (J = 0.85) of stored records, half new.
//
// Reported: ms/query and bytes/record of the index (heap growth while
// building it, over N), and as baselines measured in the same run the
// linear scan that a plain list of fingerprints needs: over the in-memory
// 4-bit sketches of all N records, and over full 128 × 32-bit signatures
// (512 bytes a record) timed on 50,000 records and extrapolated to N.
func BenchmarkTextQuery(b *testing.B) {
	n := benchRecords()
	before := heapAlloc()
	start := time.Now()
	x, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for id := range n {
		if err := x.Add(int64(id), recordText(id)); err != nil {
			b.Fatal(err)
		}
	}
	build := time.Since(start)
	perRecord := float64(heapAlloc()-before) / float64(n)

	rng := rand.New(rand.NewPCG(42, 42))
	const queries = 1000
	qs := make([]Fingerprint, queries)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = nearCopy(rng, recordText(rng.IntN(n)), 0.85)
		} else {
			qs[i] = synthText(rng)
		}
	}

	// Baseline 1: scan every sketch.
	start = time.Now()
	const scans = 20
	hits := 0
	for i := range scans {
		sk := sketchOf(qs[i].MinHash)
		for s := range x.text.sketches {
			if sketchJaccard(&sk, &x.text.sketches[s]) >= DefaultJaccard {
				hits++
			}
		}
	}
	scanSketch := time.Since(start) / scans
	if hits < scans/2 {
		b.Fatalf("sketch scan found %d of %d planted copies", hits, scans/2)
	}
	// Baseline 2: scan full signatures, on a sample, extrapolated.
	const sample = 50_000
	sigs := make([]Signature, sample)
	for i := range sigs {
		sigs[i] = *recordText(i).MinHash
	}
	start = time.Now()
	for i := range scans {
		for s := range sigs {
			if sigs[s].Similarity(qs[i].MinHash) >= DefaultJaccard {
				hits++
			}
		}
	}
	scanFull := time.Since(start) / scans * time.Duration(n/sample)
	sigs = nil

	found, q := 0, 0
	b.ResetTimer()
	for b.Loop() {
		m := x.Query(qs[q%queries])
		if q%2 == 0 && len(m) > 0 {
			found++
		}
		q++
	}
	b.StopTimer()
	if q >= queries && found < q/2*95/100 {
		b.Errorf("found %d of %d planted near copies", found, q/2)
	}

	// Erasure sweeps every band once per call, however many IDs it has.
	start = time.Now()
	x.Remove(1)
	removeOne := time.Since(start)
	batch := make([]int64, 1000)
	for i := range batch {
		batch[i] = int64(2 + i)
	}
	start = time.Now()
	x.Remove(batch...)
	removeBatch := time.Since(start)

	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/query")
	b.ReportMetric(perRecord, "bytes/record")
	b.ReportMetric(float64(scanSketch.Nanoseconds())/1e6, "sketch-scan-ms/query")
	b.ReportMetric(float64(scanFull.Nanoseconds())/1e6, "signature-scan-ms/query")
	b.ReportMetric(float64(build.Nanoseconds())/float64(n)/1e3, "build-µs/record")
	b.ReportMetric(float64(removeOne.Nanoseconds())/1e6, "remove1-ms")
	b.ReportMetric(float64(removeBatch.Nanoseconds())/1e6, "remove1000-ms")
	b.ReportMetric(float64(n), "records")
	runtime.KeepAlive(x)
}

// BenchmarkImageQuery measures a near-duplicate image lookup among
// benchRecords uniformly random perceptual hashes; half the queries are
// copies with up to 10 bits flipped. The baseline, measured in the same
// run, is a linear scan of all hashes with popcount. Real perceptual hashes
// are not uniform (similar pictures share chunks), so the multi-index
// buckets will be fuller than here.
func BenchmarkImageQuery(b *testing.B) {
	n := benchRecords()
	before := heapAlloc()
	x, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for id := range n {
		if err := x.Add(int64(id), recordImage(id)); err != nil {
			b.Fatal(err)
		}
	}
	perRecord := float64(heapAlloc()-before) / float64(n)
	rng := rand.New(rand.NewPCG(43, 43))
	const queries = 1000
	qs := make([]Fingerprint, queries)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = recordImage(rng.IntN(n))
			for range rng.IntN(DefaultMaxDistance + 1) {
				qs[i].PHash ^= 1 << rng.IntN(64)
			}
			fillDNA(rng, &qs[i].DNA)
		} else {
			qs[i] = synthImage(rng)
		}
	}
	start := time.Now()
	const scans = 20
	hits := 0
	for i := range scans {
		for _, h := range x.image.hashes {
			if h.Distance(qs[i].PHash) <= DefaultMaxDistance {
				hits++
			}
		}
	}
	scan := time.Since(start) / scans

	found, q := 0, 0
	b.ResetTimer()
	for b.Loop() {
		if m := x.Query(qs[q%queries]); q%2 == 0 && len(m) > 0 {
			found++
		}
		q++
	}
	b.StopTimer()
	if found < q/2 {
		b.Errorf("found %d of %d planted copies", found, q/2)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/query")
	b.ReportMetric(perRecord, "bytes/record")
	b.ReportMetric(float64(scan.Nanoseconds())/1e6, "scan-ms/query")
	b.ReportMetric(float64(n), "records")
}

// BenchmarkFingerprintText fingerprints a 200-word text (about 1,200
// characters): normalisation, SHA-256 and 128 MinHash functions over some
// 1,200 shingles.
func BenchmarkFingerprintText(b *testing.B) {
	text := join(newCorpus(1, 1).text(0, 200))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		FingerprintText(text)
	}
}

// BenchmarkFingerprintImage decodes and hashes a 512×256 JPEG.
func BenchmarkFingerprintImage(b *testing.B) {
	data, err := os.ReadFile(shareddata.Path(b, "coco/lego-battery/images/IMG20231010083824.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := FingerprintImage(b.Context(), data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen replays an index file of 100,000 text records.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "index")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	f.Write(header())
	const n = 100_000
	for id := range n {
		fp := recordText(id)
		f.Write(encodeRecord(int64(id), &fp))
	}
	f.Close()
	for b.Loop() {
		x, err := Open(b.Context(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1e3, "µs/record")
}
