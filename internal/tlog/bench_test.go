package tlog

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkAppend measures appends of 300-byte entries until they are
// durably integrated (checkpoint publication is not waited for).
//
//   - raw: Tessera's POSIX throughput with the batching NOTES.md measured
//     (1024 entries, 100 ms, checkpoints every 200 ms), 8192 entries per
//     Append so that batches are written back to back;
//   - default/call=N: one worker appending N entries at a time with the
//     default settings, as the outbox does;
//   - default/parallel: 8 goroutines appending 100 entries each.
func BenchmarkAppend(b *testing.B) {
	raw := func(c *Config) {
		c.BatchMaxSize, c.BatchMaxAge, c.CheckpointInterval = 1024, 100*time.Millisecond, 200*time.Millisecond
	}
	for _, bc := range []struct {
		name     string
		perCall  int
		parallel bool
		config   func(*Config)
	}{
		{name: "raw", perCall: 8192, config: raw},
		{name: "default/call=1", perCall: 1},
		{name: "default/call=100", perCall: 100},
		{name: "default/call=1000", perCall: 1000},
		{name: "default/parallel", perCall: 100, parallel: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := b.TempDir()
			cfg := Config{Dir: filepath.Join(data, "log"), KeyFile: filepath.Join(data, "log.key"), Origin: "bench.example/log"}
			if bc.config != nil {
				bc.config(&cfg)
			}
			l, err := Open(b.Context(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close(context.Background())
			chunk := make([][]byte, bc.perCall)
			for i := range chunk {
				chunk[i] = benchEntry(i, 300)
			}
			var n atomic.Int64
			if bc.parallel {
				b.SetParallelism(4) // 8 goroutines on 2 cores
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := l.Append(b.Context(), chunk); err != nil {
							b.Error(err)
							return
						}
						n.Add(int64(len(chunk)))
					}
				})
			} else {
				for b.Loop() {
					if _, err := l.Append(b.Context(), chunk); err != nil {
						b.Fatal(err)
					}
					n.Add(int64(len(chunk)))
				}
			}
			b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkPublish measures, with the default settings, how long one event
// takes from Append until a published checkpoint covers it: what a member
// waits for a receipt.
func BenchmarkPublish(b *testing.B) {
	data := b.TempDir()
	l, err := Open(b.Context(), Config{Dir: filepath.Join(data, "log"), KeyFile: filepath.Join(data, "log.key"), Origin: "bench.example/log"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close(context.Background())
	entry := [][]byte{benchEntry(0, 300)}
	for b.Loop() {
		idx, err := l.Append(b.Context(), entry)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.AwaitCheckpoint(b.Context(), idx[0]+1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/receipt")
}

func TestMeasureAppends(t *testing.T) {
	dir := t.TempDir()
	perSecond, err := MeasureAppends(t.Context(), dir, 2000, 300)
	if err != nil {
		t.Fatal(err)
	}
	if perSecond <= 0 {
		t.Fatalf("MeasureAppends = %v entries/s", perSecond)
	}
	// The entries it timed must really be in the log.
	l := openTest(t, Config{Dir: filepath.Join(dir, "log"), KeyFile: filepath.Join(dir, "log.key"), Origin: "bench.allmende.invalid/log"})
	if n, err := l.IntegratedSize(t.Context()); err != nil || n != 2000 {
		t.Fatalf("log after MeasureAppends holds %d entries (%v), want 2000", n, err)
	}
	if _, err := MeasureAppends(t.Context(), t.TempDir(), 10, MaxEntrySize+1); err == nil {
		t.Fatal("MeasureAppends accepted an entry size above the limit")
	}
}
