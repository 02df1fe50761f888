package classify

import (
	"cmp"
	"slices"

	"github.com/allmende/allmende/internal/attrib"
)

// knnVote returns the vote shares of the K nearest training records not
// dropped, and every record's cosine similarity to v. Only records that
// share a feature with the text (cosine above 0) are neighbours: a record
// with nothing in common with it says nothing about it, and must not be
// paid for it. With no neighbour every label scores alike. Nearness is
// the squared Euclidean distance of unit vectors, 2 − 2·cos, in float32,
// ties ranked by row, exactly as attrib.KNNShapleyDistances ranks them.
func (m *Model) knnVote(v vector) ([]Score, []float32) {
	sims := m.x.sims(v)
	type cand struct {
		d float32
		r int32
	}
	// The K best by (distance, row) in a small sorted list: K is at most
	// 1,000 and usually 10, so insertion beats a heap.
	best := make([]cand, 0, m.k+1)
	for r, s := range sims {
		if s <= 0 || m.dropped[r] {
			continue
		}
		d := max(2-2*s, 0)
		if len(best) == m.k && d >= best[len(best)-1].d {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, cand{d, int32(r)}, func(a, b cand) int {
			if c := cmp.Compare(a.d, b.d); c != 0 {
				return c
			}
			return cmp.Compare(a.r, b.r)
		})
		best = slices.Insert(best, i, cand{d, int32(r)})
		if len(best) > m.k {
			best = best[:m.k]
		}
	}
	votes := make([]float64, len(m.labels))
	for _, c := range best {
		votes[m.y[c.r]]++
	}
	out := make([]Score, len(m.labels))
	for c, l := range m.labels {
		s := 1 / float64(len(m.labels))
		if len(best) > 0 {
			s = votes[c] / float64(len(best))
		}
		out[c] = Score{Label: l, Score: s}
	}
	sortScores(out)
	return out, sims
}

// knnShapley returns each record's exact Shapley value for the vote share
// of class c among the K nearest neighbours (attrib's FixedK utility of
// Jia et al. 2019). The players are the records not dropped that share a
// feature with the text; every other record never changes the vote, so
// its value is exactly 0.
func (m *Model) knnShapley(sims []float32, c int) []float64 {
	out := make([]float64, len(sims))
	var keep []int
	for r, s := range sims {
		if s > 0 && !m.dropped[r] {
			keep = append(keep, r)
		}
	}
	if len(keep) == 0 {
		return out
	}
	d := make([]float32, len(keep))
	match := make([]bool, len(keep))
	for i, r := range keep {
		d[i] = max(2-2*sims[r], 0)
		match[i] = int(m.y[r]) == c
	}
	vals, err := attrib.KNNShapleyDistances(d, match, m.k, attrib.FixedK)
	if err != nil {
		// Distances are finite and non-negative by construction.
		panic("classify: " + err.Error())
	}
	for i, r := range keep {
		out[r] = vals[i]
	}
	return out
}
