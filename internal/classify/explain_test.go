package classify

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// The representer terms of a linear model sum to the logit of the predicted
// class, for the weights that answer: the decomposition is exact.
func TestExplainLinearTermsSumToTheLogit(t *testing.T) {
	m, _, err := Train(t.Context(), corpus(1500, 4), Options{Kind: KindLinear, Buckets: 1 << 18}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"my parcel never arrived and the tracking says delivered",
		"reset my password please, the login code does not come",
		"the app freezes on a blank screen after the update",
		"zzz unrelated qqq",
	} {
		scores, inf := m.Explain(text, 0)
		z := m.logits(extract(text, m.buckets))
		c := m.class(scores[0].Label)
		sum := 0.0
		for _, x := range inf {
			sum += x.Weight
		}
		if math.Abs(sum-z[c]) > 1e-3*max(1, math.Abs(z[c])) {
			t.Fatalf("%q: terms sum to %v, logit of %s is %v", text, sum, scores[0].Label, z[c])
		}
		if !slices.EqualFunc(scores, m.Predict(text), func(a, b Score) bool { return a == b }) {
			t.Fatalf("%q: Explain's scores differ from Predict's", text)
		}
		top, topInf := m.Explain(text, 5)
		if len(topInf) != min(5, len(inf)) || !slices.Equal(topInf, inf[:len(topInf)]) || top[0] != scores[0] {
			t.Fatalf("%q: top 5 %v is not the head of %v", text, topInf, inf[:5])
		}
		for i := 1; i < len(inf); i++ {
			if math.Abs(inf[i].Weight) > math.Abs(inf[i-1].Weight) {
				t.Fatalf("influences not sorted by |weight|")
			}
		}
	}
	// The strongest positive influences of a billing question are billing
	// records.
	scores, inf := m.Explain("refund the invoice, I was charged twice on my card", 10)
	if scores[0].Label != "billing" {
		t.Fatalf("predicted %v", scores[0])
	}
	for _, x := range inf {
		if x.Weight > 0 && x.Label != "billing" {
			t.Fatalf("positive influence from a %s record: %+v", x.Label, x)
		}
	}
}

// The kNN influences are exact Shapley values: they sum to the utility of
// the whole training set (the predicted label's share of the K votes) and
// agree with enumeration of every subset on a small set.
func TestExplainKNNIsExactShapley(t *testing.T) {
	ex := corpus(10, 5)
	ex = append(ex, Example{"x1", "invoice refund", "billing"}, Example{"x2", "invoice charged", "billing"},
		Example{"x3", "parcel late", "shipping"}, Example{"x4", "parcel box", "shipping"})
	m, _, err := Train(t.Context(), ex, Options{Kind: KindKNN, K: 3, Buckets: 1 << 16}, nil)
	if err != nil {
		t.Fatal(err)
	}
	query := "refund for the late parcel invoice"
	scores, inf := m.Explain(query, 0)
	pred := scores[0].Label
	value := map[string]float64{}
	for _, x := range inf {
		value[x.ID] = x.Weight
	}
	// Brute force over all subsets of the records (n ≤ 14).
	v := extract(query, m.buckets)
	n := len(m.ids)
	dist := make([]float64, n)
	sims := m.x.sims(v)
	for r := range n {
		dist[r] = 2
		if sims[r] > 0 {
			dist[r] = float64(max(2-2*sims[r], 0))
		}
	}
	utility := func(set []int) float64 {
		slices.SortStableFunc(set, func(a, b int) int {
			if dist[a] != dist[b] {
				if dist[a] < dist[b] {
					return -1
				}
				return 1
			}
			return a - b
		})
		var near []int
		for _, r := range set {
			if dist[r] < 2 { // shares a feature with the query
				near = append(near, r)
			}
		}
		hits := 0
		for _, r := range near[:min(3, len(near))] {
			if m.labels[m.y[r]] == pred {
				hits++
			}
		}
		return float64(hits) / 3
	}
	fact := func(k int) float64 {
		f := 1.0
		for i := 2; i <= k; i++ {
			f *= float64(i)
		}
		return f
	}
	total := 0.0
	for r := range n {
		phi := 0.0
		for mask := 0; mask < 1<<n; mask++ {
			if mask&(1<<r) != 0 {
				continue
			}
			var s []int
			for j := range n {
				if mask&(1<<j) != 0 {
					s = append(s, j)
				}
			}
			with := utility(append(slices.Clone(s), r))
			without := utility(s)
			w := fact(len(s)) * fact(n-len(s)-1) / fact(n)
			phi += w * (with - without)
		}
		if math.Abs(phi-value[m.ids[r]]) > 1e-5 {
			t.Fatalf("record %s: Explain says %v, enumeration %v", m.ids[r], value[m.ids[r]], phi)
		}
		total += phi
	}
	if math.Abs(total-scores[0].Score) > 1e-5 {
		t.Fatalf("values sum to %v, the vote share is %v", total, scores[0].Score)
	}
}

// Without on a kNN model answers as a model trained without the records;
// on a linear model it only hides them.
func TestWithout(t *testing.T) {
	ex := corpus(600, 6)
	o := Options{Kind: KindKNN, Buckets: 1 << 16}
	full, _, err := Train(t.Context(), ex, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	query := "invoice refund for my card"
	_, inf := full.Explain(query, 5)
	var gone []string
	for _, x := range inf[:3] {
		gone = append(gone, x.ID)
	}
	less := full.Without(gone...)
	var rest []Example
	for _, e := range ex {
		if !slices.Contains(gone, e.ID) {
			rest = append(rest, e)
		}
	}
	retrained, _, err := Train(t.Context(), rest, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	s1, i1 := less.Explain(query, 20)
	s2, i2 := retrained.Explain(query, 20)
	if !slices.Equal(s1, s2) {
		t.Fatalf("scores %v, retrained %v", s1, s2)
	}
	for i := range i1 {
		if i1[i].ID != i2[i].ID || math.Abs(i1[i].Weight-i2[i].Weight) > 1e-9 {
			t.Fatalf("influence %d: %+v, retrained %+v", i, i1[i], i2[i])
		}
	}
	if slices.ContainsFunc(less.TrainingIDs(), func(id string) bool { return slices.Contains(gone, id) }) ||
		len(less.TrainingIDs()) != len(full.TrainingIDs())-3 {
		t.Fatal("TrainingIDs still lists removed records")
	}
	if _, again := full.Explain(query, 5); !slices.Equal(again, inf) {
		t.Fatal("Without changed the original model")
	}

	lin, _, err := Train(t.Context(), ex, Options{Kind: KindLinear, Buckets: 1 << 16}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, li := lin.Explain(query, 3)
	hidden := lin.Without(li[0].ID)
	s, hi := hidden.Explain(query, 0)
	if !slices.Equal(s, lin.Predict(query)) {
		t.Fatal("a linear model's scores changed without retraining")
	}
	if slices.ContainsFunc(hi, func(x Influence) bool { return x.ID == li[0].ID }) {
		t.Fatal("linear Explain names a removed record")
	}
}

func TestModelRoundTrip(t *testing.T) {
	ex := corpus(300, 7)
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m, _, err := Train(t.Context(), ex, Options{Kind: kind, Buckets: 1 << 16, HeldOut: 0.1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		m = m.Without(m.TrainingIDs()[0])
		var buf bytes.Buffer
		n, err := m.WriteTo(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteTo: %d, %v (buffer %d)", n, err, buf.Len())
		}
		data := buf.Bytes()
		got, err := ReadModel(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if !sameModel(m, got) {
			t.Fatalf("%s: model changed on the way through a file", kind)
		}
		if m.Bytes() < int64(len(data))/2 {
			t.Fatalf("Bytes() %d is far below the file's %d", m.Bytes(), len(data))
		}
		for _, cut := range []int{0, 5, len(data) / 2, len(data) - 1} {
			if _, err := ReadModel(bytes.NewReader(data[:cut])); err == nil {
				t.Fatalf("%s: a file cut at %d bytes was read", kind, cut)
			}
		}
		if _, err := ReadModel(bytes.NewReader(append(slices.Clone(data), 0))); err == nil {
			t.Fatal("trailing bytes accepted")
		}
	}
}

// A text that shares nothing with any record is scored evenly and pays
// nobody, whatever the kind.
func TestExplainUnrelatedTextPaysNobody(t *testing.T) {
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m, _, err := Train(t.Context(), corpus(200, 10), Options{Kind: kind, Buckets: 1 << 16}, nil)
		if err != nil {
			t.Fatal(err)
		}
		scores, inf := m.Explain("!!! ???", 0)
		if len(inf) != 0 {
			t.Fatalf("%s: influences %v for a text without words", kind, inf)
		}
		for _, s := range scores {
			if math.Abs(s.Score-0.25) > 1e-12 {
				t.Fatalf("%s: scores %v, want 1/4 each", kind, scores)
			}
		}
	}
}
