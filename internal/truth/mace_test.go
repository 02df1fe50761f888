package truth

import "testing"

// TestMACESpammers checks MACE's distinguishing feature: a worker who gives
// the same label whatever the truth is recognised as a spammer (low
// competence θ, reliability near the share of items that happen to have
// that label), not as an expert on that label.
func TestMACESpammers(t *testing.T) {
	honest := confused(0.8, nil)
	d, truth := crowd{items: 400, classes: 4, seed: 6,
		panel: []behaviour{constant(2), constant(2), honest, honest, honest}}.generate()
	mv, err := MajorityVote(d)
	if err != nil {
		t.Fatal(err)
	}
	r, err := MACE(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mvAcc, acc := accuracyOf(d, mv, truth), accuracyOf(d, r, truth)
	t.Logf("majority vote %.3f, MACE %.3f", mvAcc, acc)
	// Once the spammers are discounted, three honest workers at 0.8 decide:
	// an optimal vote of theirs is right with probability 0.896 (two or
	// three right) + 0.096 × 2/3 × 1/3 (one right, a three-way tie) ≈ 0.917.
	if acc < 0.9 {
		t.Errorf("accuracy %.3f, want ≥ 0.9", acc)
	}
	if acc < mvAcc+0.1 {
		t.Errorf("accuracy %.3f, want at least 0.1 above majority vote's %.3f", acc, mvAcc)
	}
	for _, w := range []string{"p0", "p1"} {
		// A constant answer is right on the quarter of items of that class.
		if rel := r.Reliability[d.workers[w]]; rel < 0.15 || rel > 0.35 {
			t.Errorf("spammer %s reliability %.3f, want about 0.25", w, rel)
		}
	}
	for _, w := range []string{"p2", "p3", "p4"} {
		if rel := r.Reliability[d.workers[w]]; rel < 0.7 {
			t.Errorf("honest worker %s reliability %.3f, want ≥ 0.7", w, rel)
		}
	}
}

func BenchmarkMACE(b *testing.B) {
	benchmarkAgainstMajority(b, func(d *Dataset) (Result, error) { return MACE(d, Options{}) })
}
