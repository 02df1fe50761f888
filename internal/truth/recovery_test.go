package truth

import (
	"testing"
)

// TestRecoveryByConstruction runs the methods on crowds where the right
// answer is known by construction: one worker is always right and is outvoted
// by workers who carry no information, while some noisy but honest workers
// agree with the perfect one often enough to single them out. (Without those,
// a perfect worker's answers are as independent of everyone else's as a
// random worker's, and no method could tell the two apart.) Majority vote
// must fail there, and a method that learns whom to trust must find the
// truth, because once the perfect worker is recognised their answer decides.
func TestRecoveryByConstruction(t *testing.T) {
	noisy := confused(0.7, nil) // right 70 %, errors spread evenly
	cases := []struct {
		name  string
		crowd crowd
		// mvBelow bounds majority vote's accuracy from above, so that the
		// case really is one where counting votes fails.
		mvBelow float64
		// want is the accuracy each method must reach.
		want map[string]float64
	}{
		{
			// Constant spammers are uninformative under Dawid–Skene and MACE
			// (they answer 0 whatever the truth), so nothing contradicts the
			// perfect worker: recovery must be exact. GLAD is left out on
			// purpose: its workers have no favourite label, so it explains a
			// bloc always answering 0 as experts on items whose truth is 0.
			name: "perfect worker and four noisy ones outvoted by five who always answer 0",
			crowd: crowd{items: 300, classes: 3, seed: 1,
				panel: []behaviour{perfect, noisy, noisy, noisy, noisy, constant(0), constant(0), constant(0), constant(0), constant(0)}},
			mvBelow: 0.5,
			want:    map[string]float64{"ds": 1, "mace": 1},
		},
		{
			// Random workers fit GLAD's model exactly (right with
			// probability 1/K, wrong answers spread evenly). On a few of the
			// 1,000 items, two noisy workers and some random ones happen to
			// agree on the same wrong label, which is legitimately strong
			// evidence against the perfect worker under a fitted model, so
			// near-exact recovery is what can be asked.
			name: "perfect worker outvoted by random workers, noisy helpers from a pool",
			crowd: crowd{items: 1000, classes: 4, seed: 2, extra: 2,
				panel: []behaviour{perfect, uniform, uniform, uniform, uniform},
				pool:  []behaviour{noisy, noisy, noisy, noisy, noisy, noisy, noisy, noisy}},
			mvBelow: 0.8,
			want:    map[string]float64{"ds": 0.99, "glad": 0.97, "mace": 0.99},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, truth := tc.crowd.generate()
			mv, err := MajorityVote(d)
			if err != nil {
				t.Fatal(err)
			}
			if acc := accuracyOf(d, mv, truth); acc >= tc.mvBelow {
				t.Fatalf("majority vote accuracy %.3f, want below %.3f: the case does not defeat it", acc, tc.mvBelow)
			}
			perfectWorker := d.workers["p0"]
			for _, m := range methods {
				want, ok := tc.want[m.name]
				if !ok {
					continue
				}
				r, err := m.run(d)
				if err != nil {
					t.Fatalf("%s: %v", m.name, err)
				}
				if acc := accuracyOf(d, r, truth); acc < want {
					t.Errorf("%s accuracy %.3f, want ≥ %.3f", m.name, acc, want)
				}
				for w, rel := range r.Reliability {
					if w != perfectWorker && rel >= r.Reliability[perfectWorker] {
						t.Errorf("%s: worker %s reliability %.3f ≥ perfect worker's %.3f",
							m.name, d.Workers[w], rel, r.Reliability[perfectWorker])
					}
				}
				if rel := r.Reliability[perfectWorker]; rel < 0.95 {
					t.Errorf("%s: perfect worker reliability %.3f, want ≥ 0.95", m.name, rel)
				}
			}
		})
	}
}
