package attrib

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The span benchmarks need an index over a generated corpus of
// ALLMENDE_BENCH_CORPUS_MB megabytes. It is built by a child process (this
// test binary, re-run with ALLMENDE_ATTRIB_BENCH_BUILD set; see TestMain),
// so that the resident memory the query benchmark reports is that of
// querying alone. Set ALLMENDE_BENCH_INDEX_DIR to keep indexes between runs:
// building 1 GB takes minutes.

// benchInfo is what the build leaves next to the index.
type benchInfo struct {
	CorpusBytes   int64    `json:"corpus_bytes"`
	Records       int      `json:"records"`
	BuildSeconds  float64  `json:"build_seconds"`
	BuildCPU      float64  `json:"build_cpu_seconds"`
	FileBytes     int64    `json:"file_bytes"`
	BuildPeakRSS  int64    `json:"build_peak_rss_bytes"`
	Queries       []string `json:"queries"`
	QueriesTokens int      `json:"query_tokens"`
}

const (
	benchBuildEnv = "ALLMENDE_ATTRIB_BENCH_BUILD"
	benchInfoName = "bench.json"
	benchQueries  = 50
	benchTokens   = 1000
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(benchBuildEnv); spec != "" {
		if err := buildBenchIndex(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// buildBenchIndex runs in the child: spec is "DIR,BYTES".
func buildBenchIndex(spec string) error {
	dir, sizeText, _ := strings.Cut(spec, ",")
	size, err := strconv.Atoi(sizeText)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", benchBuildEnv, spec, err)
	}
	runtime.LockOSThread()
	x, err := Open(dir, Options{Create: true})
	if err != nil {
		return err
	}
	defer x.Close()
	// Generating the corpus is not building the index: time a dry run of
	// the generator first and subtract it.
	var kept []Record
	start, cpu := time.Now(), threadCPU()
	for range newWordSalad(1, 20000).stream(size, 50, 300, 100, &kept) {
	}
	genWall, genCPU := time.Since(start), threadCPU()-cpu
	kept = nil
	w := newWordSalad(1, 20000)
	start, cpu = time.Now(), threadCPU()
	n, err := x.Add(context.Background(), w.stream(size, 50, 300, 100, &kept))
	if err != nil {
		return err
	}
	info := benchInfo{
		Records:      n,
		BuildSeconds: (time.Since(start) - genWall).Seconds(),
		BuildCPU:     (threadCPU() - cpu - genCPU).Seconds(),
		BuildPeakRSS: procStatus()["VmHWM"],
	}
	st := x.Stats()
	info.CorpusBytes, info.FileBytes = st.TextBytes, st.FileBytes
	for range benchQueries {
		info.Queries = append(info.Queries, w.output(kept, benchTokens))
	}
	info.QueriesTokens = benchTokens
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, benchInfoName), data, 0o644)
}

// benchIndex returns the directory of an index over a corpus of the
// configured size, building it if needed, and its build figures.
func benchIndex(b *testing.B) (string, benchInfo) {
	size := benchCorpusBytes(b)
	dir := b.TempDir()
	if keep := os.Getenv("ALLMENDE_BENCH_INDEX_DIR"); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("corpus-%dMB", size/1e6))
	}
	var info benchInfo
	if data, err := os.ReadFile(filepath.Join(dir, benchInfoName)); err == nil && json.Unmarshal(data, &info) == nil {
		return dir, info
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d", benchBuildEnv, dir, size))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("building the benchmark index: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, benchInfoName))
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		b.Fatal(err)
	}
	return dir, info
}

// BenchmarkTrace measures Trace on outputs of 1,000 words (about 6 KB)
// that quote the corpus in stretches of 5 to 40 words. It reports the
// latency percentiles (wall clock, and CPU time of the querying thread,
// which leaves out the time a shared machine gives to others), the build
// figures of the index, the process's memory (VmRSS: all resident pages;
// RssFile: the mapped index pages the queries touched, page cache the
// kernel may take back at will; RssAnon: the process's own memory), and, as
// the baseline, the time a brute-force
// search (bytes.Index over the whole text for every start position,
// extended one character at a time) would take per output, measured on
// the first 40 characters of one output and scaled to its length. Run it
// with -cpu 1 for single-core figures.
//
// ALLMENDE_BENCH_SAMPLE=STRIDE,PREFIX opens the index with another sample
// shape (see sample.go), to weigh memory against reads.
func BenchmarkTrace(b *testing.B) {
	dir, info := benchIndex(b)
	if spec := os.Getenv("ALLMENDE_BENCH_SAMPLE"); spec != "" {
		var sh sampleShape
		if _, err := fmt.Sscanf(spec, "%d,%d", &sh.stride, &sh.prefix); err != nil || sh.stride < 1 || sh.prefix < 1 {
			b.Fatalf("ALLMENDE_BENCH_SAMPLE=%q: want STRIDE,PREFIX", spec)
		}
		old := sampling
		sampling = sh
		defer func() { sampling = old }()
	}
	openStart := time.Now()
	x, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	openTime := time.Since(openStart)
	opened := procStatus()["VmRSS"]
	opts := TraceOptions{}
	// The pages one query maps in: a query's share of the resident set.
	if _, err := x.Trace(b.Context(), info.Queries[0], opts); err != nil {
		b.Fatal(err)
	}
	firstQuery := procStatus()["RssFile"]
	queryBytes := 0
	for _, q := range info.Queries { // warm the page cache and the mapping
		queryBytes += len(q)
		if _, err := x.Trace(b.Context(), q, opts); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// The peak resident set while querying (VmHWM, reset here: the Go
	// runtime, the heap and every index page the queries have mapped),
	// which is what the memory target is about.
	resetPeakRSS(b)
	reads := 0
	traced = func(pr *probe) { reads += pr.reads }
	defer func() { traced = nil }()
	var lat, cpu []time.Duration
	spans := 0
	for i := 0; b.Loop(); i++ {
		start, c0 := time.Now(), threadCPU()
		got, err := x.Trace(b.Context(), info.Queries[i%len(info.Queries)], opts)
		lat = append(lat, time.Since(start))
		cpu = append(cpu, threadCPU()-c0)
		if err != nil {
			b.Fatal(err)
		}
		spans += len(got)
	}
	pct := func(d []time.Duration, p float64) float64 {
		d = slices.Sorted(slices.Values(d))
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	st := procStatus()
	sampleBytes := 0
	for _, s := range x.segs {
		sampleBytes += len(s.sample.recs)
	}
	brute := bruteForceTime(x, info.Queries[0], 40)
	b.Logf("%.0f MB of text, %.0f MB of index files: resident after opening %.1f MB (the sample, %.1f MB, included); peak resident while querying %.1f MB (target < 300 MB at 1 GB)",
		float64(info.CorpusBytes)/1e6, float64(info.FileBytes)/1e6, float64(opened)/1e6, float64(sampleBytes)/1e6, float64(st["VmHWM"])/1e6)

	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	b.ReportMetric(pct(cpu, 0.5), "p50-cpu-ms")
	b.ReportMetric(pct(cpu, 0.99), "p99-cpu-ms")
	b.ReportMetric(brute.Seconds()*1000, "bruteforce-ms")
	b.ReportMetric(float64(spans)/float64(len(lat)), "spans/query")
	b.ReportMetric(float64(reads)/float64(len(lat)), "preads/query")
	b.ReportMetric(float64(sampleBytes)/1e6, "sample-MB")
	b.ReportMetric(float64(queryBytes)/float64(len(info.Queries)), "query-bytes")
	b.ReportMetric(float64(info.CorpusBytes)/1e6, "corpus-MB")
	b.ReportMetric(float64(info.CorpusBytes)/1e6/info.BuildSeconds, "build-MB/s")
	b.ReportMetric(float64(info.CorpusBytes)/1e6/info.BuildCPU, "build-cpuMB/s")
	b.ReportMetric(float64(info.BuildPeakRSS)/1e6, "build-peak-MB")
	b.ReportMetric(float64(info.FileBytes)/float64(info.CorpusBytes), "disk-bytes/byte")
	b.ReportMetric(float64(st["VmRSS"])/1e6, "VmRSS-MB")
	b.ReportMetric(float64(st["RssAnon"])/1e6, "RssAnon-MB")
	b.ReportMetric(float64(st["RssFile"])/1e6, "RssFile-MB")
	b.ReportMetric(float64(firstQuery)/1e6, "RssFile-1st-query-MB")
	b.ReportMetric(float64(st["VmHWM"])/1e6, "VmHWM-MB")
	b.ReportMetric(float64(opened)/1e6, "VmRSS-opened-MB")
	b.ReportMetric(openTime.Seconds(), "open-s")
}

// resetPeakRSS makes VmHWM start again from the current resident set.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak resident set: %v", err)
	}
}

// bruteForceTime times the naive search on the first n characters of
// output and scales it to all of them: for every start, grow the span by a
// character while bytes.Index still finds it in some segment's text.
func bruteForceTime(x *Index, output string, n int) time.Duration {
	var texts [][]byte
	for _, s := range x.segs {
		texts = append(texts, s.text)
	}
	occurs := func(p string) bool {
		for _, t := range texts {
			if bytes.Contains(t, []byte(p)) {
				return true
			}
		}
		return false
	}
	var starts []int
	for i := range output {
		starts = append(starts, i)
	}
	starts = append(starts, len(output))
	chars := len(starts) - 1
	n = min(n, chars)
	start := time.Now()
	reach := 0
	for c := range n {
		end := max(c, reach)
		for end < chars && occurs(output[starts[c]:starts[end+1]]) {
			end++
		}
		reach = end
	}
	return time.Since(start) * time.Duration(chars) / time.Duration(max(n, 1))
}

// procStatus reads the memory figures of /proc/self/status, in bytes.
func procStatus() map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(value)
		if !ok || len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		if kb, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
			out[name] = kb * 1024
		}
	}
	return out
}
