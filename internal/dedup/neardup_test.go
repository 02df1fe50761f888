package dedup

import (
	"fmt"
	"strings"
	"testing"
)

// trueJaccard is the exact Jaccard similarity of the shingle sets of two
// texts, the quantity MinHash estimates.
func trueJaccard(a, b string) float64 {
	set := func(s string) map[uint64]bool {
		m := map[uint64]bool{}
		for _, h := range appendShingles(nil, shingleText(NormalizeText(s))) {
			m[h] = true
		}
		return m
	}
	x, y := set(a), set(b)
	inter := 0
	for h := range x {
		if y[h] {
			inter++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

func TestNearDuplicateText(t *testing.T) {
	c := newCorpus(1, 3)
	orig := c.text(0, 200)
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Add(1, FingerprintText(join(orig))); err != nil {
		t.Fatal(err)
	}
	changed := append([]string(nil), orig...)
	changed[17], changed[90], changed[151] = "zebra", "quokka", "armadillo"
	added := append(append(append([]string(nil), orig[:60]...), "really", "truly", "very"), orig[60:]...)
	upper := strings.ToUpper(join(orig[:100])) + "\n\n" + join(orig[100:])

	tests := []struct {
		name      string
		text      string
		wantExact bool
		wantNear  bool
	}{
		{"same text", join(orig), true, false},
		{"case and spacing", "  " + upper + "\t", true, false},
		{"3 words changed", join(changed), false, true},
		{"3 words added", join(added), false, true},
		{"5 random edits", join(c.edit(orig, 0, 5)), false, true},
		{"punctuation added", strings.Join(orig, ", "), false, true},
		{"first half", join(orig[:100]), false, false},
		{"unrelated, same topic", join(c.text(0, 200)), false, false},
		{"unrelated, other topic", join(c.text(1, 200)), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := x.Query(FingerprintText(tt.text))
			exact, near := len(m) == 1 && m[0].Exact, len(m) == 1 && !m[0].Exact
			if exact != tt.wantExact || near != tt.wantNear || (len(m) > 0 && m[0].ID != 1) {
				t.Errorf("matches %+v (true Jaccard %.3f), want exact %v near %v",
					m, trueJaccard(join(orig), tt.text), tt.wantExact, tt.wantNear)
			}
		})
	}
}

// TestNearDuplicateRates measures false positives and false negatives at
// the default threshold on a generated set: 300 stored texts of 200 words
// on 3 topics; as queries, 600 copies with 0 to 80 random edits each (true
// Jaccard from 1 down to about 0.5) and 300 unrelated texts on the same
// topics. A pair is a duplicate when the exact Jaccard of its shingle sets
// is at least 0.8. Errors are expected only close to the threshold, where
// the estimate's standard error (≈0.037) makes the decision a coin toss.
func TestNearDuplicateRates(t *testing.T) {
	const stored, copiesN, unrelated = 300, 600, 300
	c := newCorpus(2, 3)
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := make([][]string, stored)
	for i := range texts {
		texts[i] = c.text(i%3, 200)
		if err := x.Add(int64(i), FingerprintText(join(texts[i]))); err != nil {
			t.Fatal(err)
		}
	}
	type band struct{ lo, hi float64 }
	bandsOf := []band{{0, 0.7}, {0.7, 0.75}, {0.75, 0.8}, {0.8, 0.85}, {0.85, 0.9}, {0.9, 1.01}}
	pairs, errs := make([]int, len(bandsOf)), make([]int, len(bandsOf))
	var fp, fn, pos, neg int
	count := func(j float64, flagged bool) {
		dup := j >= DefaultJaccard
		for b, r := range bandsOf {
			if j >= r.lo && j < r.hi {
				pairs[b]++
				if flagged != dup {
					errs[b]++
				}
			}
		}
		switch {
		case dup:
			pos++
			if !flagged {
				fn++
			}
		default:
			neg++
			if flagged {
				fp++
			}
		}
	}
	for q := range copiesN {
		i := q % stored
		cp := c.edit(texts[i], i%3, q*81/copiesN)
		m := x.Query(FingerprintText(join(cp)))
		flagged := false
		for _, mm := range m {
			if mm.ID == int64(i) {
				flagged = true
			} else {
				// Any other stored text is unrelated to this copy.
				count(trueJaccard(join(cp), join(texts[mm.ID])), true)
			}
		}
		count(trueJaccard(join(texts[i]), join(cp)), flagged)
	}
	falseOnUnrelated := 0
	maxUnrelated := 0.0
	for q := range unrelated {
		u := join(c.text(q%3, 200))
		falseOnUnrelated += len(x.Query(FingerprintText(u)))
		if q < 10 {
			for i := q % 3; i < stored; i += 3 * 10 {
				maxUnrelated = max(maxUnrelated, trueJaccard(u, join(texts[i])))
			}
		}
	}
	rate := func(a, b int) string { return fmt.Sprintf("%d/%d = %.1f%%", a, b, 100*float64(a)/float64(max(b, 1))) }
	t.Logf("edited copies at Jaccard %.2f: false negatives %s of pairs ≥ %.2f, false positives %s of pairs below",
		DefaultJaccard, rate(fn, pos), DefaultJaccard, rate(fp, neg))
	for b, r := range bandsOf {
		t.Logf("  true Jaccard [%.2f, %.2f): %s wrong", r.lo, min(r.hi, 1), rate(errs[b], pairs[b]))
	}
	t.Logf("unrelated same-topic texts: %s of %d×%d pairs flagged; highest true Jaccard in a sample: %.3f",
		rate(falseOnUnrelated, unrelated*stored), unrelated, stored, maxUnrelated)
	if falseOnUnrelated > 0 {
		t.Errorf("%d unrelated same-topic pairs flagged", falseOnUnrelated)
	}
	// Away from the threshold the decision must be reliable.
	for b, r := range bandsOf {
		if (r.hi <= 0.7 || r.lo >= 0.9) && errs[b] > 0 {
			t.Errorf("true Jaccard [%.2f, %.2f): %s wrong, want none", r.lo, r.hi, rate(errs[b], pairs[b]))
		}
	}
	if 100*fn > 15*pos || 100*fp > 15*neg {
		t.Errorf("error rates too high: FN %s, FP %s", rate(fn, pos), rate(fp, neg))
	}
}
