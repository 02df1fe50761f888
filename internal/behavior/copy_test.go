package behavior

import (
	"math"
	"testing"
	"time"
)

func TestSimilarity(t *testing.T) {
	task := SynthNewTask(50)
	people := SynthPeople(50, 2)
	orig := SynthHuman(people[0], task, 1)
	// faster plays orig 25 % faster and nothing else.
	faster := cloneRecording(orig)
	for i := range faster.Events {
		e := &faster.Events[i]
		e.T = e.T * 4 / 5
		for j := range e.Path {
			e.Path[j].T = e.Path[j].T * 4 / 5
		}
	}
	// retimed keeps positions but draws new timing; moved keeps timing but
	// shifts every position by 30 px.
	retimed := retime(orig, SynthHuman(people[1], task, 3))
	moved := cloneRecording(orig)
	for i := range moved.Events {
		e := &moved.Events[i]
		if e.X != 0 || e.Y != 0 {
			e.X += 30
		}
		for j := range e.Path {
			e.Path[j].X += 30
		}
	}
	tests := []struct {
		name     string
		a, b     Recording
		min, max float64
	}{
		{"itself", orig, orig, 1, 1},
		{"replay", orig, SynthReplay(orig, 1), 1, 1},
		{"played faster", orig, faster, 0.99, 1},
		{"disguised copy", orig, SynthCopy(orig, 1), CopyThreshold, 1},
		{"new timing, same positions", orig, retimed, CopyThreshold, 1},
		{"same timing, moved 30 px", orig, moved, CopyThreshold, 1},
		{"same person again", orig, SynthHuman(people[0], task, 2), 0, CopyThreshold},
		{"other person", orig, SynthHuman(people[1], task, 3), 0, CopyThreshold},
		{"other task", orig, SynthHuman(people[0], SynthNewTask(51), 4), 0, CopyThreshold},
		{"empty", orig, Recording{}, 0, 0},
		{"invalid", orig, Recording{Events: []Event{{Kind: KindClick, T: -1}}}, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Similarity(tc.a, tc.b)
			if s < tc.min-1e-12 || s > tc.max+1e-12 || (tc.max < CopyThreshold && s >= CopyThreshold) {
				t.Errorf("Similarity = %.4f, want in [%v, %v]", s, tc.min, tc.max)
			}
			if r := Similarity(tc.b, tc.a); math.Abs(r-s) > 0.05 {
				t.Errorf("Similarity(b, a) = %.4f, Similarity(a, b) = %.4f", r, s)
			}
		})
	}
}

// retime gives r's events the intervals of other's, event by event, as far
// as other reaches: a copy whose timing was replaced wholesale.
func retime(r, other Recording) Recording {
	out := cloneRecording(r)
	var t time.Duration
	for i := range out.Events {
		e := &out.Events[i]
		gap := ms(300)
		if i > 0 && i < len(other.Events) {
			gap = other.Events[i].T - other.Events[i-1].T
		}
		old := e.T
		t += gap
		if i == 0 {
			t = old
		}
		for j := range e.Path {
			e.Path[j].T = max(t-(old-e.Path[j].T), 0)
		}
		e.T = t
	}
	return out
}

func TestDetectCopy(t *testing.T) {
	task := SynthNewTask(52)
	people := SynthPeople(52, 4)
	var previous []Recording
	for i, p := range people {
		previous = append(previous, SynthHuman(p, task, uint64(i)))
	}
	for i := range previous {
		best, sim := DetectCopy(SynthCopy(previous[i], 9), previous)
		if best != i || sim < CopyThreshold {
			t.Errorf("copy of %d: best %d similarity %.3f", i, best, sim)
		}
	}
	if best, sim := DetectCopy(SynthHuman(people[0], task, 99), previous); sim >= CopyThreshold {
		t.Errorf("fresh recording taken for a copy of %d (%.3f)", best, sim)
	}
	if best, sim := DetectCopy(previous[0], nil); best != -1 || sim != 0 {
		t.Errorf("no previous: got %d, %v; want -1, 0", best, sim)
	}
	bad := Recording{Events: []Event{{Kind: "x"}}}
	if best, sim := DetectCopy(bad, previous); best != -1 || sim != 0 {
		t.Errorf("invalid recording: got %d, %v; want -1, 0", best, sim)
	}
	// An invalid earlier recording is skipped, not matched.
	if best, _ := DetectCopy(previous[1], []Recording{bad, previous[1]}); best != 1 {
		t.Errorf("best = %d, want 1 past the invalid one", best)
	}
}

func TestAlign(t *testing.T) {
	seq := func(kinds string) []beat {
		bs := make([]beat, len(kinds))
		for i, k := range kinds {
			bs[i] = beat{kind: Kind(k), logGap: float64(i%3) * 0.4}
		}
		return bs
	}
	a := seq("cckkkkscckkn")
	t.Run("identical", func(t *testing.T) {
		pairs := align(a, a)
		cost := timingCost(a, a, pairs)
		if cost != 0 || len(pairs) != len(a) {
			t.Fatalf("cost %v, %d pairs; want 0 and %d", cost, len(pairs), len(a))
		}
		for _, p := range pairs {
			if p[0] != p[1] {
				t.Fatalf("pair %v off the diagonal", p)
			}
		}
	})
	t.Run("one inserted event", func(t *testing.T) {
		b := append(append(append([]beat(nil), a[:5]...), a[4]), a[5:]...)
		pairs := align(a, b)
		cost := timingCost(a, b, pairs)
		// One warp step; every other pair matches exactly.
		if want := warpPenalty / float64(len(b)); !near(cost, want, 1e-12) {
			t.Errorf("cost %v, want %v", cost, want)
		}
		if len(pairs) != len(b) {
			t.Errorf("%d pairs, want %d", len(pairs), len(b))
		}
	})
	t.Run("different kinds cost more than different timing", func(t *testing.T) {
		b := seq("nnnnnnnnnnnn")
		c := append([]beat(nil), a...)
		for i := range c {
			c[i].logGap += 0.1
		}
		kc := timingCost(a, b, align(a, b))
		tc := timingCost(a, c, align(a, c))
		if !(kc > tc) || !near(tc, 0.1, 1e-12) {
			t.Errorf("kind cost %v, timing cost %v (want 0.1 and less)", kc, tc)
		}
	})
}

func TestResample(t *testing.T) {
	got := resample([]Point{{X: 0}, {X: 10}, {X: 30}}, 4)
	want := []float64{0, 10, 20, 30}
	for i, p := range got {
		if !near(p.X, want[i], 1e-12) || p.Y != 0 {
			t.Errorf("point %d = %+v, want x %v", i, p, want[i])
		}
	}
	if resample([]Point{{X: 5}, {X: 5}}, 4) != nil || resample([]Point{{X: 5}}, 4) != nil {
		t.Error("a path that does not move has no shape")
	}
}
