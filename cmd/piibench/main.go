// Command piibench measures the personal-data detector of internal/privacy
// on generated English and German texts: recall and precision per type
// beside a naive regular-expression baseline, the share of generated names
// and places that the detector's gazetteers hold, and the throughput of one
// core.
//
//	go run ./cmd/piibench -n 2000 -seed 1
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/allmende/allmende/internal/privacy/piibench"
)

func main() {
	n := flag.Int("n", 2000, "texts per language")
	seed := flag.Uint64("seed", 1, "seed of the generator")
	verbose := flag.Bool("v", false, "list missed and false findings")
	flag.Parse()
	runtime.GOMAXPROCS(1) // throughput per core
	for _, lang := range []string{"en", "de"} {
		examples, st := piibench.Generate(*seed, *n, lang)
		scan := piibench.Evaluate(piibench.Scan, examples)
		base := piibench.Evaluate(piibench.Baseline, examples)
		piibench.Report(os.Stdout, lang, scan, base)
		fmt.Printf("in the gazetteers: %d/%d given names, %d/%d surnames, %d/%d places\n",
			st.FirstKnown, st.First, st.LastKnown, st.Last, st.PlacesKnown, st.Places)
		scanMBps, baseMBps := throughput(piibench.Scan, examples), throughput(piibench.Baseline, examples)
		fmt.Printf("throughput per CPU second: %.1f MB/s (baseline %.1f MB/s)\n\n", scanMBps, baseMBps)
		if *verbose {
			for _, m := range scan.Misses {
				fmt.Println("missed:", m)
			}
			for _, m := range scan.FalsePositives {
				fmt.Println("false: ", m)
			}
			fmt.Println()
		}
	}
}

// throughput runs d over the texts until it has used a second of CPU time
// and returns megabytes per CPU second. CPU time rather than wall time: the
// machine may be shared, and with GOMAXPROCS=1 the process's CPU time is
// the time of the one core it runs on (the garbage collector's included).
func throughput(d piibench.Detector, examples []piibench.Example) float64 {
	size := 0
	for _, ex := range examples {
		size += len(ex.Text)
	}
	d(examples[0].Text) // the gazetteers load on the first scan
	start := cpuTime()
	bytes := 0
	for cpuTime()-start < time.Second {
		for _, ex := range examples {
			d(ex.Text)
		}
		bytes += size
	}
	return float64(bytes) / (cpuTime() - start).Seconds() / 1e6
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
