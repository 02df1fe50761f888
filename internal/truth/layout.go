package truth

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrInvalid reports a dataset whose answers point outside its name tables.
// Datasets built with Add or read from CSV never have it.
var ErrInvalid = errors.New("invalid dataset")

// layout holds the answers grouped by item (compressed sparse rows), so the
// E-steps walk each item's answers contiguously and the M-steps can add an
// item's posterior to each of its workers without a lookup. int32 halves the
// memory traffic of the inner loops compared with int.
type layout struct {
	items, workers, labels int
	start                  []int32 // item i's answers are [start[i], start[i+1])
	worker                 []int32
	label                  []int32
	perWorker              []int32 // number of answers per worker
}

func newLayout(d *Dataset) (*layout, error) {
	if len(d.Answers) > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d answers, at most %d supported", ErrInvalid, len(d.Answers), math.MaxInt32)
	}
	l := &layout{
		items:     len(d.Items),
		workers:   len(d.Workers),
		labels:    len(d.Labels),
		start:     make([]int32, len(d.Items)+1),
		worker:    make([]int32, len(d.Answers)),
		label:     make([]int32, len(d.Answers)),
		perWorker: make([]int32, len(d.Workers)),
	}
	for n, a := range d.Answers {
		if a.Item < 0 || a.Item >= l.items || a.Worker < 0 || a.Worker >= l.workers || a.Label < 0 || a.Label >= l.labels {
			return nil, fmt.Errorf("%w: answer %d refers to item %d, worker %d, label %d; have %d, %d, %d",
				ErrInvalid, n, a.Item, a.Worker, a.Label, l.items, l.workers, l.labels)
		}
		l.start[a.Item+1]++
		l.perWorker[a.Worker]++
	}
	for i := range l.items {
		l.start[i+1] += l.start[i]
	}
	next := make([]int32, l.items)
	copy(next, l.start)
	for _, a := range d.Answers {
		k := next[a.Item]
		next[a.Item]++
		l.worker[k] = int32(a.Worker)
		l.label[k] = int32(a.Label)
	}
	// Floating-point sums depend on their order, and a tiny difference can
	// tip a comparison inside an iterative method; ordering each item's
	// answers by worker and label makes results bit-identical whatever the
	// order the answers arrived in.
	pairs := make([]int64, 0, 16)
	for i := range l.items {
		from, to := l.answers(i)
		pairs = pairs[:0]
		for a := from; a < to; a++ {
			pairs = append(pairs, int64(l.worker[a])<<32|int64(l.label[a]))
		}
		slices.Sort(pairs)
		for n, p := range pairs {
			l.worker[from+n] = int32(p >> 32)
			l.label[from+n] = int32(p)
		}
	}
	return l, nil
}

// answers returns the range of item i's answers.
func (l *layout) answers(i int) (from, to int) {
	return int(l.start[i]), int(l.start[i+1])
}

// labelFrequency counts how often each label was given over the whole
// dataset; it breaks ties, because with nothing else to go on the label the
// crowd uses most is the likelier truth.
func (l *layout) labelFrequency() []int {
	freq := make([]int, l.labels)
	for _, c := range l.label {
		freq[c]++
	}
	return freq
}

// argmax returns the index of the largest value in row; ties go to the label
// given most often overall, then to the lower label id.
func argmax(row []float64, freq []int) int {
	best := 0
	for c := 1; c < len(row); c++ {
		if row[c] > row[best] || (row[c] == row[best] && freq[c] > freq[best]) {
			best = c
		}
	}
	return best
}

// normalizeLog turns a row of log-probabilities into probabilities in place.
// Subtracting the maximum first keeps exp from underflowing to all zeros when
// an item has many answers.
func normalizeLog(row []float64) {
	m := math.Inf(-1)
	for _, v := range row {
		m = max(m, v)
	}
	var sum float64
	for c, v := range row {
		e := math.Exp(v - m)
		row[c] = e
		sum += e
	}
	for c := range row {
		row[c] /= sum
	}
}
