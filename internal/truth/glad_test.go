package truth

import "testing"

func TestGLADSingleLabel(t *testing.T) {
	d := &Dataset{}
	d.Add("q1", "w1", "yes")
	d.Add("q1", "w2", "yes")
	d.Add("q2", "w1", "yes")
	r, err := GLAD(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range r.Labels {
		if c != 0 || r.Confidence[i] != 1 {
			t.Errorf("item %s: label %d confidence %v, want 0 with confidence 1", d.Items[i], c, r.Confidence[i])
		}
	}
}

// TestGLADAdversary checks that GLAD's ability can go negative: on binary
// questions, a worker who is usually wrong carries as much information as one
// who is usually right, once the honest majority shows which of the two they
// are. Majority vote counts the adversaries' answers for the wrong side;
// GLAD must turn them round and do better.
func TestGLADAdversary(t *testing.T) {
	adversary := confused(0.2, nil) // wrong 80 % of the time
	honest := confused(0.7, nil)
	d, truth := crowd{items: 600, classes: 2, seed: 5,
		panel: []behaviour{adversary, adversary, honest, honest, honest}}.generate()
	mv, err := MajorityVote(d)
	if err != nil {
		t.Fatal(err)
	}
	r, err := GLAD(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mvAcc, gladAcc := accuracyOf(d, mv, truth), accuracyOf(d, r, truth)
	t.Logf("majority vote %.3f, GLAD %.3f", mvAcc, gladAcc)
	// With the adversaries turned round, GLAD has five informative votes
	// where majority vote has three honest ones against two that mislead.
	if gladAcc < mvAcc+0.1 {
		t.Errorf("GLAD accuracy %.3f, want at least 0.1 above majority vote's %.3f", gladAcc, mvAcc)
	}
	for _, w := range []string{"p0", "p1"} {
		if rel := r.Reliability[d.workers[w]]; rel > 0.3 {
			t.Errorf("adversary %s reliability %.3f, want ≤ 0.3", w, rel)
		}
	}
	for _, w := range []string{"p2", "p3", "p4"} {
		if rel := r.Reliability[d.workers[w]]; rel < 0.6 {
			t.Errorf("honest worker %s reliability %.3f, want ≥ 0.6", w, rel)
		}
	}
}

func BenchmarkGLAD(b *testing.B) {
	benchmarkAgainstMajority(b, func(d *Dataset) (Result, error) { return GLAD(d, Options{}) })
}
