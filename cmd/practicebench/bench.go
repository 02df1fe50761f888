package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/practice"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recorder"
	"github.com/allmende/allmende/internal/recording"
)

// DemoSeeds are the seeds of the demonstrations; runs use RunSeed + i.
const RunSeed = 1000

type options struct {
	N, Replays int
	Demos      string
	Kinds      string
	Out        string
	JSON       string
	RunTimeout time.Duration
	Verbose    bool
	// DemoDir, when set, keeps each demonstration's recording there
	// (KIND-SEED.json) and reuses it on later runs, so that the learner
	// can be changed and measured again without making the demos anew.
	DemoDir string
	// Parallel is how many fresh instances run at once (each in its own
	// page of the one browser). Above 1 the success rates are the same
	// but the fresh instances' run times include the others' load; the
	// own-instance timings always run one at a time.
	Parallel int
	// First is the first fresh instance's number: the instances are
	// seeds RunSeed+First … RunSeed+First+N-1, so that a long run can be
	// made in parts (-first 0, -first 50) and merged (-merge).
	First int
	// NoOwn skips the timings on demo 1's own instance (a part that only
	// adds fresh instances to another's).
	NoOwn bool
	Base  string
	Log   *log.Logger
}

// counts are the numbers of demos to learn from.
func (o options) counts() ([]int, error) {
	var out []int
	for _, s := range strings.Split(o.Demos, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > program.MaxDemos {
			return nil, fmt.Errorf("-demos: %q is not a number of demos from 1 to %d", s, program.MaxDemos)
		}
		out = append(out, n)
	}
	return out, nil
}

// bench holds the browser the runs share.
type bench struct {
	o       options
	counts  []int
	browser context.Context
	// rec is the recorder's browser, which makes every demonstration.
	rec  *recorder.Browser
	stop func()
}

func newBench(ctx context.Context, o options) (*bench, error) {
	counts, err := o.counts()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "practicebench-")
	if err != nil {
		return nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(recorder.DefaultBrowser),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 800),
	)...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, fmt.Errorf("starting chromium: %w", err)
	}
	rec, err := recorder.Launch(ctx, recorder.Options{Headless: true})
	if err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, fmt.Errorf("starting the recorder: %w", err)
	}
	return &bench{o: o, counts: counts, browser: browser, rec: rec, stop: func() {
		rec.Close()
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}}, nil
}

func (b *bench) close() { b.stop() }

// result is what one program (or the baseline) did on the instances.
type result struct {
	Demos int
	Learn time.Duration
	// LearnCPU is the CPU time learning took on its one thread.
	LearnCPU time.Duration
	Err      string // learning failed: why
	Runs     int
	OK       int
	RunTime  []time.Duration
	Reasons  map[string]int // why runs failed, counted
	Steps    int
}

func (r result) rate() float64 {
	if r.Runs == 0 {
		return 0
	}
	return 100 * float64(r.OK) / float64(r.Runs)
}

// row is one kind's line of the table.
type row struct {
	Kind     string
	Params   bool
	DemoErr  string
	DemoTime time.Duration
	Learned  []result
	Replay   result
	// Own is demo 1's recording replayed on its own instance, where it
	// does the task: the fair time of a replay. OwnRun is the program
	// learned from the most demos run on that instance, in turn with the
	// replays.
	Own, OwnRun result
}

func (r row) summary() string {
	var parts []string
	if r.DemoErr != "" {
		return "demos failed: " + r.DemoErr
	}
	for _, l := range r.Learned {
		if l.Err != "" {
			parts = append(parts, fmt.Sprintf("%d demos: %s", l.Demos, l.Err))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d demos: %.0f%% (%d/%d)", l.Demos, l.rate(), l.OK, l.Runs))
	}
	parts = append(parts, fmt.Sprintf("replay: %.0f%% (%d/%d)", r.Replay.rate(), r.Replay.OK, r.Replay.Runs))
	return strings.Join(parts, "; ")
}

// kind makes the demos of k, learns from them and runs what it learned.
func (b *bench) kind(ctx context.Context, k practice.Kind) row {
	out := row{Kind: k.Name, Params: len(k.Params) > 0}
	maxDemos := slices.Max(b.counts)
	start := time.Now()
	var demos []recording.Recording
	var raws [][]byte
	for d := 1; d <= maxDemos; d++ {
		raw, rec, err := b.demo(ctx, k, uint64(d))
		if err != nil {
			out.DemoErr = fmt.Sprintf("demo %d: %v", d, err)
			return out
		}
		demos = append(demos, rec)
		raws = append(raws, raw)
	}
	out.DemoTime = time.Since(start) / time.Duration(maxDemos)
	seen := map[[32]byte]result{}
	var last program.Program // learned from the most demos
	for _, n := range b.counts {
		var prog program.Program
		var err error
		start := time.Now()
		cpu := onThread(func() { prog, err = program.Learn(demos[:n]) })
		res := result{Demos: n, Learn: time.Since(start), LearnCPU: cpu}
		if err != nil {
			res.Err = err.Error()
			out.Learned = append(out.Learned, res)
			continue
		}
		js, _ := json.Marshal(prog)
		sum := sha256.Sum256(js)
		if prev, ok := seen[sum]; ok {
			prev.Demos, prev.Learn, prev.LearnCPU = n, res.Learn, res.LearnCPU
			out.Learned = append(out.Learned, prev)
			continue
		}
		res.Steps = len(prog.Steps)
		if n == maxDemos {
			last = prog
		}
		b.runs(ctx, k, &res, func(ctx context.Context, in practice.Instance, url string) error {
			return act(ctx, b.browser, prog, in, url)
		})
		seen[sum] = res
		out.Learned = append(out.Learned, res)
	}
	out.Replay = result{Demos: 1}
	saved := b.o.N
	b.o.N = min(b.o.N, b.o.Replays)
	b.runs(ctx, k, &out.Replay, func(ctx context.Context, in practice.Instance, url string) error {
		return replayOn(ctx, b.browser, raws[0], b.o.Base, k.Name, 1, in)
	})
	b.o.N = saved
	// On demo 1's own instance the replay does the task, so the two can
	// be timed on the same page: turn about, so that whatever else the
	// machine does slows both alike.
	out.Own = result{Demos: 1, Reasons: map[string]int{}}
	out.OwnRun = result{Demos: maxDemos, Reasons: map[string]int{}}
	if b.o.NoOwn {
		return out
	}
	own := k.Generate(1)
	ownURL := practice.URL(b.o.Base, k.Name, 1)
	for range 3 {
		b.timed(ctx, &out.Own, func(ctx context.Context) error {
			return replayOn(ctx, b.browser, raws[0], b.o.Base, k.Name, 1, own)
		})
		if len(last.Steps) > 0 {
			b.timed(ctx, &out.OwnRun, func(ctx context.Context) error {
				return act(ctx, b.browser, last, own, ownURL)
			})
		}
	}
	return out
}

// timed does one run and counts it in res, timing it when it succeeds.
func (b *bench) timed(ctx context.Context, res *result, do func(ctx context.Context) error) {
	rctx, cancel := context.WithTimeout(ctx, b.o.RunTimeout)
	defer cancel()
	start := time.Now()
	err := do(rctx)
	res.Runs++
	if err != nil {
		res.Reasons[shorten(err.Error())]++
		return
	}
	res.OK++
	res.RunTime = append(res.RunTime, time.Since(start))
}

// runs runs do on N fresh instances of k and counts successes.
func (b *bench) runs(ctx context.Context, k practice.Kind, res *result, do func(ctx context.Context, in practice.Instance, url string) error) {
	res.Reasons = map[string]int{}
	var mu sync.Mutex
	seeds := make(chan uint64)
	var wg sync.WaitGroup
	for range max(1, b.o.Parallel) {
		wg.Go(func() {
			for seed := range seeds {
				in := k.Generate(seed)
				url := practice.URL(b.o.Base, k.Name, seed)
				rctx, cancel := context.WithTimeout(ctx, b.o.RunTimeout)
				start := time.Now()
				err := do(rctx, in, url)
				took := time.Since(start)
				cancel()
				mu.Lock()
				res.RunTime = append(res.RunTime, took)
				res.Runs++
				if err == nil {
					res.OK++
				} else {
					res.Reasons[shorten(err.Error())]++
					if b.o.Verbose {
						b.o.Log.Printf("%s seed %d (%d demos): %s", k.Name, seed, res.Demos, err)
					}
				}
				mu.Unlock()
			}
		})
	}
	for i := range b.o.N {
		seeds <- uint64(RunSeed + b.o.First + i)
	}
	close(seeds)
	wg.Wait()
}

// errCheck says a run ended without the page in the state its instance
// expects.
var errCheck = errors.New("the run ended but the task was not done (check false)")

func shorten(s string) string {
	return cut(s, 160)
}

// demo is demonstration seed of k: read from the demo directory when it
// holds it, else made (and kept there). A kept recording's addresses are
// moved to this run's server.
func (b *bench) demo(ctx context.Context, k practice.Kind, seed uint64) ([]byte, recording.Recording, error) {
	if b.o.DemoDir == "" {
		return makeDemo(ctx, b.rec, b.o.Base, k, seed)
	}
	file := filepath.Join(b.o.DemoDir, fmt.Sprintf("%s-%d.json", k.Name, seed))
	const placeholder = "http://practice.invalid"
	if kept, err := os.ReadFile(file); err == nil {
		raw := []byte(strings.ReplaceAll(string(kept), placeholder, b.o.Base))
		r, err := recording.Parse(raw)
		if err != nil {
			return nil, recording.Recording{}, fmt.Errorf("%s: %w", file, err)
		}
		return raw, r, nil
	}
	raw, r, err := makeDemo(ctx, b.rec, b.o.Base, k, seed)
	if err != nil {
		return nil, recording.Recording{}, err
	}
	if err := os.MkdirAll(b.o.DemoDir, 0o755); err != nil {
		return nil, recording.Recording{}, err
	}
	kept := strings.ReplaceAll(string(raw), b.o.Base, placeholder)
	if err := os.WriteFile(file, []byte(kept), 0o644); err != nil {
		return nil, recording.Recording{}, err
	}
	return raw, r, nil
}

// makeDemo records hands doing instance seed of k in the recorder's
// browser, as `allmende record` does with a program driving the tab over
// CDP.
func makeDemo(ctx context.Context, rec *recorder.Browser, base string, k practice.Kind, seed uint64) ([]byte, recording.Recording, error) {
	in := k.Generate(seed)
	raw, err := rec.Record(ctx, recorder.Options{
		URL:        practice.URL(base, k.Name, seed),
		Headless:   true,
		KeepValues: true,
		Timeout:    90 * time.Second,
		Drive: func(ctx context.Context) error {
			h := practice.NewHand(ctx, seed)
			if err := in.Solve(ctx, h); err != nil {
				return err
			}
			// A demonstration counts only when it did the task.
			return h.Wait(in.Check())
		},
	})
	if err != nil {
		return nil, recording.Recording{}, err
	}
	r, err := recording.Parse(raw)
	if err != nil {
		return nil, recording.Recording{}, fmt.Errorf("the recorder's file does not parse: %w", err)
	}
	return raw, r, nil
}
