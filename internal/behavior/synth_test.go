package behavior

import (
	"math"
	"reflect"
	"testing"
)

func TestSynthDeterministic(t *testing.T) {
	task := SynthNewTask(70)
	p := SynthPeople(70, 1)[0]
	if !reflect.DeepEqual(SynthNewTask(70), task) || !reflect.DeepEqual(SynthPeople(70, 1)[0], p) {
		t.Fatal("same seed, different task or person")
	}
	if !reflect.DeepEqual(SynthHuman(p, task, 1), SynthHuman(p, task, 1)) {
		t.Error("same seed, different human recording")
	}
	if reflect.DeepEqual(SynthHuman(p, task, 1), SynthHuman(p, task, 2)) {
		t.Error("different sessions, same recording")
	}
	for _, f := range BotFamilies {
		if !reflect.DeepEqual(SynthBot(f, task, 1), SynthBot(f, task, 1)) {
			t.Errorf("%s: same seed, different recording", f)
		}
	}
}

func TestSynthValid(t *testing.T) {
	people := SynthPeople(71, 12)
	for i, p := range people {
		task := SynthNewTask(uint64(71 + i))
		h := SynthHuman(p, task, uint64(i))
		recs := map[string]Recording{"human": h, "replay": SynthReplay(h, 1), "copy": SynthCopy(h, 1)}
		for _, f := range BotFamilies {
			recs[string(f)] = SynthBot(f, task, uint64(i))
		}
		for name, r := range recs {
			if err := r.Validate(); err != nil {
				t.Errorf("task %d, %s: %v", i, name, err)
			}
		}
	}
}

func TestSynthPeopleDiffer(t *testing.T) {
	people := SynthPeople(72, 30)
	seen := map[float64]bool{}
	var kbd int
	for _, p := range people {
		if seen[p.KeyInterval] {
			t.Errorf("two people with key interval %v", p.KeyInterval)
		}
		seen[p.KeyInterval] = true
		if p.KeyboardOnly {
			kbd++
		}
	}
	var ki []float64
	for _, p := range people {
		ki = append(ki, math.Log(p.KeyInterval))
	}
	// Drawn with σ 0.3 in log: the spread across people must show it.
	if sd := stddev(ki); sd < 0.15 || sd > 0.5 {
		t.Errorf("spread of log key interval across people %.3f, want about 0.3", sd)
	}
}

// TestSynthFamilies checks that each generator shows the behaviour its
// documentation claims, measured by the feature extractor.
func TestSynthFamilies(t *testing.T) {
	task := SynthNewTask(73)
	type check struct {
		name string
		ok   func(f Features) bool
	}
	cases := map[BotFamily][]check{
		BotCDP: {
			{"every click teleports", func(f Features) bool { return f.Teleports == 1 }},
			{"every click at the centre", func(f Features) bool { return f.CentreClicks == 1 }},
			{"keys held a few ms", func(f Features) bool { return f.DwellMedian < 0.11 }},
		},
		BotSelenium: {
			{"no movement at all", func(f Features) bool { return f.Movements == 0 && f.Teleports == 1 }},
			{"keys held under 3 ms", func(f Features) bool { return f.DwellMedian < 0.003 }},
		},
		BotMacro: {
			{"fixed delays", func(f Features) bool { return f.RepeatedIntervals > 0.5 }},
			{"constant speed", func(f Features) bool { return math.Abs(f.PeakSpeedRatio-1) < 0.1 }},
			{"straight paths", func(f Features) bool { return f.Straightness > 0.999 }},
			{"fixed key hold", func(f Features) bool { return f.DwellCV < 0.05 }},
		},
		BotHumanised: {
			{"no typos", func(f Features) bool { return f.Corrections == 0 }},
			{"no bell-shaped speed", func(f Features) bool { return f.PeakSpeedRatio < 1.5 }},
			{"never at the exact centre", func(f Features) bool { return f.CentreClicks < 0.2 }},
		},
		BotEased: {
			{"bell-shaped speed", func(f Features) bool { return f.PeakSpeedRatio > 1.3 }},
			{"no tremor", func(f Features) bool { return f.Jitter < 0.15 }},
			{"no teleports", func(f Features) bool { return f.Teleports == 0 }},
		},
	}
	for fi, f := range BotFamilies {
		for s := range 3 {
			feat := mustExtract(t, SynthBot(f, task, uint64(fi*10+s)))
			for _, c := range cases[f] {
				if !c.ok(feat) {
					t.Errorf("%s script %d: not %s: %+v", f, s, c.name, feat)
				}
			}
		}
	}
	for i, p := range SynthPeople(73, 10) {
		f := mustExtract(t, SynthHuman(p, task, uint64(i)))
		if p.KeyboardOnly {
			if f.PointerClicks != 0 {
				t.Errorf("keyboard-only person %d made %d pointer clicks", i, f.PointerClicks)
			}
			continue
		}
		if f.Teleports != 0 || f.PeakSpeedRatio < 1.6 || f.Jitter == 0 {
			t.Errorf("person %d: teleports %v, peak speed ratio %v, jitter %v", i, f.Teleports, f.PeakSpeedRatio, f.Jitter)
		}
	}
}

func TestSynthCopies(t *testing.T) {
	h := SynthHuman(SynthPeople(74, 1)[0], SynthNewTask(74), 1)
	r := SynthReplay(h, 1)
	if len(r.Events) != len(h.Events) {
		t.Fatalf("replay has %d events, original %d", len(r.Events), len(h.Events))
	}
	shift := r.Events[0].T - h.Events[0].T
	for i := range h.Events {
		a, b := h.Events[i], r.Events[i]
		if b.T-a.T != shift || a.X != b.X || a.Y != b.Y || a.Kind != b.Kind {
			t.Fatalf("replay event %d differs beyond the time shift: %+v vs %+v", i, a, b)
		}
	}
	if h.Events[0].Path != nil && &h.Events[0].Path[0] == &r.Events[0].Path[0] {
		t.Error("replay shares path storage with the original")
	}
	c := SynthCopy(h, 1)
	var hovers int
	for _, e := range h.Events {
		if e.Kind == KindHover {
			hovers++
		}
	}
	if len(c.Events) < len(h.Events)-hovers || len(c.Events) > len(h.Events) {
		t.Errorf("copy has %d events; original %d with %d hovers", len(c.Events), len(h.Events), hovers)
	}
	// Overall speed between 0.8·0.9 and 1.25·1.1 of the original.
	ratio := float64(c.Events[len(c.Events)-1].T) / float64(h.Events[len(h.Events)-1].T)
	if ratio < 0.72 || ratio > 1.375 {
		t.Errorf("copy lasts %.2f times the original", ratio)
	}
}
