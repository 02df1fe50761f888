package truth

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestEMIterationsDoNotAllocate checks that one EM round (M-step and E-step)
// of every iterative method reuses its buffers: at 100,000 answers and a
// hundred rounds, garbage per round would dominate the run time.
func TestEMIterationsDoNotAllocate(t *testing.T) {
	d, _ := crowd{items: 200, classes: 4, pool: benchCrowd().pool[:20], extra: 5, seed: 3}.generate()
	l, err := newLayout(d)
	if err != nil {
		t.Fatal(err)
	}
	post := make([]float64, l.items*l.labels)
	votes(l, post)

	ds := newDSModel(l, 0.01)
	ds.post = post
	glad := newGLADModel(l)
	glad.post = post
	mace := newMACEModel(l, 0.01)
	mace.post = post
	mace.start()
	rounds := map[string]func(){
		"ds":   func() { ds.maximize(); ds.expect() },
		"glad": func() { glad.maximize(); glad.expect() },
		"mace": func() { mace.maximize(); mace.expect() },
	}
	for name, round := range rounds {
		if n := testing.AllocsPerRun(5, round); n != 0 {
			t.Errorf("%s: %v allocations per EM round, want 0", name, n)
		}
	}
}

func TestDawidSkeneOptions(t *testing.T) {
	c := benchCrowd()
	c.items = 500
	d, _ := c.generate()
	tests := []struct {
		name          string
		opts          Options
		maxIterations int
		converged     bool
	}{
		{"stops at MaxIterations", Options{MaxIterations: 3}, 3, false},
		{"loose tolerance converges at once", Options{Tolerance: 1}, 1, true},
		{"defaults converge within 100", Options{}, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DawidSkene(d, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Iterations > tc.maxIterations || r.Converged != tc.converged {
				t.Errorf("ran %d iterations, converged %v; want ≤ %d, converged %v",
					r.Iterations, r.Converged, tc.maxIterations, tc.converged)
			}
			if tc.opts.MaxIterations > 0 && r.Iterations != tc.opts.MaxIterations {
				t.Errorf("ran %d iterations, want exactly %d", r.Iterations, tc.opts.MaxIterations)
			}
		})
	}
}

// TestDawidSkeneLearnsConfusions checks what sets Dawid–Skene apart from
// one-coin models: workers who are right on some classes and systematically
// swap others. Here a majority bloc always answers 2 when the truth is 1 (and
// is right otherwise); the full confusion matrix learns that a 2 from them
// means "1 or 2" and lets the honest minority decide.
func TestDawidSkeneLearnsConfusions(t *testing.T) {
	swapsOneForTwo := func(truth, _ int, _ *rand.Rand) int {
		if truth == 1 {
			return 2
		}
		return truth
	}
	honest := confused(0.75, nil)
	d, truth := crowd{items: 600, classes: 3, seed: 4,
		panel: []behaviour{swapsOneForTwo, swapsOneForTwo, swapsOneForTwo, swapsOneForTwo, honest, honest, honest}}.generate()
	mv, err := MajorityVote(d)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := DawidSkene(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Majority vote loses every item whose truth is 1, a third of them.
	if acc := accuracyOf(d, mv, truth); acc > 0.7 {
		t.Fatalf("majority vote accuracy %.3f, want ≤ 0.7: the case does not defeat it", acc)
	}
	// Dawid–Skene is then left with three honest workers choosing between 1
	// and 2 on those items, and with everyone agreeing on the others.
	t.Logf("majority vote %.3f, Dawid–Skene %.3f", accuracyOf(d, mv, truth), accuracyOf(d, ds, truth))
	if acc := accuracyOf(d, ds, truth); acc < 0.9 {
		t.Errorf("Dawid–Skene accuracy %.3f, want ≥ 0.9", acc)
	}
}

func TestDawidSkeneErrors(t *testing.T) {
	t.Run("answer outside the name tables", func(t *testing.T) {
		d := &Dataset{Items: []string{"q"}, Workers: []string{"w"}, Labels: []string{"a"},
			Answers: []Answer{{Item: 0, Worker: 0, Label: 1}}}
		for _, m := range methods {
			if _, err := m.run(d); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: error %v, want ErrInvalid", m.name, err)
			}
		}
	})
	t.Run("free text taken for labels", func(t *testing.T) {
		d := &Dataset{}
		for i := range 3000 {
			d.Add("q", "w"+strconv.Itoa(i%10), "answer "+strconv.Itoa(i))
		}
		if _, err := DawidSkene(d, Options{}); !errors.Is(err, ErrTooManyLabels) {
			t.Errorf("error %v, want ErrTooManyLabels", err)
		}
	})
}

// BenchmarkDawidSkene measures the speed target: 100,000 answers (10,000
// items × 10 answers from 200 workers, 4 classes) in under a second on one
// core.
func BenchmarkDawidSkene(b *testing.B) {
	benchmarkAgainstMajority(b, func(d *Dataset) (Result, error) { return DawidSkene(d, Options{}) })
}

// benchmarkAgainstMajority runs method on the benchmark crowd and reports
// answers per second for it and, measured on the same input in the same run,
// for majority vote, plus the accuracy each reaches.
func benchmarkAgainstMajority(b *testing.B, method func(*Dataset) (Result, error)) {
	d, truth := benchCrowd().generate()
	answers := float64(len(d.Answers))

	var mv Result
	start := time.Now()
	const mvRuns = 20
	for range mvRuns {
		mv, _ = MajorityVote(d)
	}
	mvPerSec := answers * mvRuns / time.Since(start).Seconds()

	var r Result
	b.ResetTimer()
	for b.Loop() {
		var err error
		if r, err = method(d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(answers*float64(b.N)/b.Elapsed().Seconds(), "answers/s")
	b.ReportMetric(mvPerSec, "mv-answers/s")
	b.ReportMetric(float64(r.Iterations), "iterations")
	b.ReportMetric(accuracyOf(d, r, truth), "accuracy")
	b.ReportMetric(accuracyOf(d, mv, truth), "mv-accuracy")
}
