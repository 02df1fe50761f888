package privacy

import (
	"math"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// naivePattern is the baseline: what a first implementation would do, one
// regular expression alternation over the text for a few of the types.
var naivePattern = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]+|\+?\d[\d ()./-]{7,}\d|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b|\b(?:\d{1,3}\.){3}\d{1,3}\b|https?://\S+`)

// BenchmarkScan measures Scan on the mixed corpus (MB/s from SetBytes) and
// reports, measured in the same run over the same text, the throughput of
// the naive regexp alternation and of a plain byte scan that only counts
// '@' (the floor of any single pass).
func BenchmarkScan(b *testing.B) {
	lines := mixedCorpus(1, 1<<20)
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	mbps := func(d time.Duration) float64 { return float64(size) / d.Seconds() / 1e6 }

	// The baselines run a few times and count their fastest pass, so that
	// a noisy machine flatters the baseline rather than Scan.
	found, best := 0, time.Duration(math.MaxInt64)
	for range 3 {
		start := time.Now()
		for _, l := range lines {
			found += len(naivePattern.FindAllStringIndex(l, -1))
		}
		best = min(best, time.Since(start))
	}
	regexpMBps := mbps(best)

	ats := 0
	best = time.Duration(math.MaxInt64)
	for range 20 {
		start := time.Now()
		for _, l := range lines {
			ats += strings.Count(l, "@")
		}
		best = min(best, time.Since(start))
	}
	byteMBps := mbps(best)
	if found == 0 || ats == 0 {
		b.Fatal("baseline found nothing; the corpus lost its personal data")
	}

	gazetteers() // parsed on the first scan; not part of the throughput
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	spans := 0
	cpu := cpuTime()
	for b.Loop() {
		for _, l := range lines {
			spans += len(Scan(l, DefaultMinScore))
		}
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu; cpu > 0 && runtime.GOMAXPROCS(0) == 1 {
		// Per CPU second: with one P the process's CPU time is the time
		// of the core Scan ran on.
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
	scanMBps := float64(size) * float64(b.N) / b.Elapsed().Seconds() / 1e6
	b.ReportMetric(regexpMBps, "regexp-MB/s")
	b.ReportMetric(byteMBps, "bytescan-MB/s")
	b.ReportMetric(scanMBps/regexpMBps, "x-regexp")
	b.ReportMetric(float64(spans)/float64(b.N), "spans/op")
}

// BenchmarkRedact measures Redact, which scans at least twice.
func BenchmarkRedact(b *testing.B) {
	lines := mixedCorpus(2, 1<<20)
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			Redact(l, DefaultMinScore)
		}
	}
}

// BenchmarkScanAdversarial runs Scan over 200 kB of one short pattern
// repeated, the inputs that would turn a detector's look-ahead or
// look-behind quadratic if it were unbounded.
func BenchmarkScanAdversarial(b *testing.B) {
	for _, p := range []string{
		"a@", "www.", "https://a/?token=x ", ":", "::1", "+1 ", "(1)", "Dear ", "Herr Anna ",
		"Hauptstraße 5, ", "12.05.1990 ", "1 ", "x@y.", "Aa-",
		"Anna ", "Nora Tester ", "A & ", "Am Markt ", "a-", "a.", "University of ", "12 N Oak Street, ",
		"Co. ", "12:30 ", "license ",
	} {
		text := strings.Repeat(p, 200_000/len(p))
		b.Run(strings.TrimSpace(p), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Scan(text, 0)
			}
		})
	}
}
