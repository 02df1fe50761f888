package truth

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestOrderIndependence reads the same answers in two different line orders:
// every method must give bit-identical labels, confidences and
// reliabilities, because output that changes with input order could not be
// verified by anyone re-running the aggregation.
func TestOrderIndependence(t *testing.T) {
	d, _ := crowd{items: 300, classes: 3, seed: 8, extra: 4, pool: benchCrowd().pool[:30]}.generate()
	lines := []string{}
	for _, a := range d.Answers {
		lines = append(lines, d.Items[a.Item]+","+d.Workers[a.Worker]+","+d.Labels[a.Label])
	}
	shuffled := slices.Clone(lines)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	read := func(lines []string) *Dataset {
		d, err := ReadAnswers(strings.NewReader("question,worker,answer\n" + strings.Join(lines, "\n")))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := read(lines), read(shuffled)
	for _, m := range methods {
		ra, err := m.run(a)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := m.run(b)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ra.Labels, rb.Labels) {
			t.Errorf("%s: labels depend on input order", m.name)
		}
		if !slices.Equal(ra.Confidence, rb.Confidence) || !slices.Equal(ra.Reliability, rb.Reliability) {
			t.Errorf("%s: confidences or reliabilities depend on input order", m.name)
		}
	}
}

func TestNumericOrderIndependence(t *testing.T) {
	d, _ := numericCrowd(100, []float64{0, 1, -2, 0, 5}, []float64{1, 2, 1, 3, 1}, 3)
	reversed := &NumericDataset{}
	for _, a := range slices.Backward(d.Answers) {
		reversed.Add(d.Items[a.Item], d.Workers[a.Worker], a.Value)
	}
	d.Sort()
	reversed.Sort()
	for _, run := range []func(*NumericDataset, NumericOptions) (NumericResult, error){Mean, Median} {
		ra, err := run(d, NumericOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := run(reversed, NumericOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ra.Values, rb.Values) || !slices.Equal(ra.Bias, rb.Bias) || !slices.Equal(ra.Reliability, rb.Reliability) {
			t.Errorf("results depend on input order")
		}
	}
}
