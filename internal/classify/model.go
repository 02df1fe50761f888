package classify

import (
	"cmp"
	"math"
	"slices"
)

// Model is a trained classifier. It is safe for concurrent use: nothing
// changes it after Train or ReadModel; Without returns a new Model.
type Model struct {
	kind    Kind
	buckets int
	k       int
	l2      float64
	labels  []string  // sorted; a class is an index into labels
	ids     []string  // training records, in id order; a row is an index into ids
	y       []int32   // class of each training record
	x       matrix    // training vectors
	w       []float32 // linear: weights, len(x.feat) × len(labels), row-major
	alpha   []float32 // linear: α, len(ids) × len(labels), row-major
	dropped []bool    // records removed by Without
}

// Kind returns the model's kind.
func (m *Model) Kind() Kind { return m.kind }

// Labels returns the labels the model predicts, sorted.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// TrainingIDs returns the ids of the records the model was trained on, in
// id order, without those removed by Without.
func (m *Model) TrainingIDs() []string {
	out := make([]string, 0, len(m.ids))
	for r, id := range m.ids {
		if !m.dropped[r] {
			out = append(out, id)
		}
	}
	return out
}

// Bytes estimates the memory the model holds, for a cache's memory bound.
func (m *Model) Bytes() int64 {
	n := int64(200) + m.x.bytes() + int64(len(m.w))*4 + int64(len(m.alpha))*4 + int64(len(m.y))*4 + int64(len(m.dropped))
	for _, s := range m.labels {
		n += 16 + int64(len(s))
	}
	for _, s := range m.ids {
		n += 16 + int64(len(s))
	}
	return n
}

// Without returns a model that never reports the records with these ids.
// A kNN model stops using them at once: its votes and influences are those
// of a model trained without them. A linear model keeps its weights (they
// change only by retraining) but never names those records in Explain.
// Unknown ids are ignored. m itself is unchanged.
func (m *Model) Without(ids ...string) *Model {
	c := *m
	c.dropped = slices.Clone(m.dropped)
	for _, id := range ids {
		if r, ok := slices.BinarySearch(m.ids, id); ok {
			c.dropped[r] = true
		}
	}
	return &c
}

// Predict returns every label's score for text, highest first (ties in
// label order); the scores sum to 1. For a text over MaxTextBytes only
// its first MaxTextBytes bytes are read.
func (m *Model) Predict(text string) []Score {
	v := extract(clip(text), m.buckets)
	if m.kind == KindKNN {
		scores, _ := m.knnVote(v)
		return scores
	}
	return m.softmaxScores(m.logits(v))
}

// Explain returns Predict's scores and the top training records by
// |influence| on the predicted label (see the package doc), largest
// first; top ≤ 0 keeps them all.
func (m *Model) Explain(text string, top int) ([]Score, []Influence) {
	v := extract(clip(text), m.buckets)
	var scores []Score
	var weight []float64
	if m.kind == KindKNN {
		var sims []float32
		scores, sims = m.knnVote(v)
		weight = m.knnShapley(sims, m.class(scores[0].Label))
	} else {
		scores = m.softmaxScores(m.logits(v))
		c := m.class(scores[0].Label)
		sims := m.x.sims(v)
		weight = make([]float64, len(sims))
		C := len(m.labels)
		for r, s := range sims {
			weight[r] = float64(m.alpha[r*C+c]) * float64(s)
		}
	}
	return scores, m.topInfluences(weight, top)
}

// topInfluences returns the records with a non-zero weight, not dropped,
// largest |weight| first (ties by id), at most top of them (all if top ≤
// 0). A small top is selected by insertion, without sorting all n.
func (m *Model) topInfluences(weight []float64, top int) []Influence {
	before := func(a, b int) bool { // row a ranks before row b
		wa, wb := math.Abs(weight[a]), math.Abs(weight[b])
		if wa != wb {
			return wa > wb
		}
		return m.ids[a] < m.ids[b]
	}
	var rows []int
	if top > 0 && top <= 64 {
		rows = make([]int, 0, top+1)
		for r, w := range weight {
			if w == 0 || m.dropped[r] {
				continue
			}
			if len(rows) == top && !before(r, rows[top-1]) {
				continue
			}
			i := len(rows)
			for i > 0 && before(r, rows[i-1]) {
				i--
			}
			rows = slices.Insert(rows, i, r)
			if len(rows) > top {
				rows = rows[:top]
			}
		}
	} else {
		for r, w := range weight {
			if w != 0 && !m.dropped[r] {
				rows = append(rows, r)
			}
		}
		slices.SortFunc(rows, func(a, b int) int {
			if before(a, b) {
				return -1
			}
			if before(b, a) {
				return 1
			}
			return 0
		})
		if top > 0 && len(rows) > top {
			rows = rows[:top]
		}
	}
	inf := make([]Influence, len(rows))
	for i, r := range rows {
		inf[i] = Influence{ID: m.ids[r], Label: m.labels[m.y[r]], Weight: weight[r]}
	}
	return inf
}

func clip(text string) string {
	if len(text) <= MaxTextBytes {
		return text
	}
	return text[:MaxTextBytes]
}

func (m *Model) class(label string) int {
	c, _ := slices.BinarySearch(m.labels, label)
	return c
}

// predictVector returns the class Predict would put first.
func (m *Model) predictVector(v vector) int32 {
	if m.kind == KindKNN {
		s, _ := m.knnVote(v)
		return int32(m.class(s[0].Label))
	}
	z := m.logits(v)
	best := 0
	for c := range z {
		if z[c] > z[best] {
			best = c
		}
	}
	return int32(best)
}

// sortScores orders scores highest first, ties in label order.
func sortScores(s []Score) {
	slices.SortStableFunc(s, func(a, b Score) int { return cmp.Compare(b.Score, a.Score) })
}
