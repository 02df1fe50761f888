package behavior

import (
	"math"
	"testing"
)

func TestSamePerson(t *testing.T) {
	tasks := []SynthTask{SynthNewTask(60), SynthNewTask(61), SynthNewTask(62), SynthNewTask(63)}
	people := SynthPeople(60, 2)
	var hist []Recording
	for i, task := range tasks[:3] {
		hist = append(hist, SynthHuman(people[0], task, uint64(i)))
	}
	own := SynthHuman(people[0], tasks[3], 10)
	if s := SamePerson(own, hist); s < SamePersonThreshold {
		t.Errorf("own new work scores %.3f, below the threshold %v", s, SamePersonThreshold)
	}

	// The same work typed a quarter second slower per key has someone
	// else's typing rhythm.
	slow := cloneRecording(own)
	var shift float64 // seconds added so far
	for i := range slow.Events {
		e := &slow.Events[i]
		if e.Kind == KindKeyDown {
			shift += 0.25
		}
		e.T += secs(shift)
		for j := range e.Path {
			e.Path[j].T += secs(shift)
		}
	}
	pm := ComparePerson(slow, hist)
	var typing float64
	for _, d := range pm.Traits {
		if d.Trait == "typing rhythm" {
			typing = d.Distance
		}
	}
	if typing < 1 {
		t.Errorf("typing distance %.3f after slowing typing down, want a large one", typing)
	}
	if pm.Score >= SamePerson(own, hist) {
		t.Errorf("slowed typing scores %.3f, not below the original's %.3f", pm.Score, SamePerson(own, hist))
	}
}

func TestComparePersonEdges(t *testing.T) {
	r := SynthHuman(SynthPeople(64, 1)[0], SynthNewTask(64), 1)
	t.Run("no history", func(t *testing.T) {
		pm := ComparePerson(r, nil)
		if pm.Score != 1 || len(pm.Traits) != 0 {
			t.Errorf("score %v with %d traits, want 1 and none", pm.Score, len(pm.Traits))
		}
	})
	t.Run("history is the recording itself", func(t *testing.T) {
		pm := ComparePerson(r, []Recording{r, r})
		if len(pm.Traits) < 5 {
			t.Fatalf("only %d traits compared", len(pm.Traits))
		}
		for _, d := range pm.Traits {
			if d.Distance != 0 {
				t.Errorf("%s: distance %v to itself", d.Trait, d.Distance)
			}
		}
		if want := sigmoid(samePerson.slope * samePerson.mid); !near(pm.Score, want, 1e-12) {
			t.Errorf("score %v, want the calibration's top %v", pm.Score, want)
		}
	})
	t.Run("invalid recordings add nothing", func(t *testing.T) {
		bad := Recording{Events: []Event{{Kind: KindClick, T: -5}}}
		if got, want := SamePerson(r, []Recording{r, bad}), SamePerson(r, []Recording{r}); got != want {
			t.Errorf("with an invalid history entry %v, without %v", got, want)
		}
		if got := SamePerson(bad, []Recording{r}); got != 1 {
			t.Errorf("invalid new recording scores %v, want 1 (nothing to compare)", got)
		}
	})
}

func TestNoiseW1(t *testing.T) {
	if got, want := noiseW1(25, 100), 0.8*math.Sqrt(0.05); !near(got, want, 1e-12) {
		t.Errorf("noiseW1(25, 100) = %v, want %v", got, want)
	}
	if noiseW1(10, 10) <= noiseW1(100, 100) {
		t.Error("fewer samples must mean more noise")
	}
}
