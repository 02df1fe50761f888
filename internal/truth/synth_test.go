package truth

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// A behaviour decides a simulated worker's answer given the true class.
type behaviour func(truth, classes int, rng *rand.Rand) int

func perfect(truth, _ int, _ *rand.Rand) int     { return truth }
func uniform(_, classes int, rng *rand.Rand) int { return rng.IntN(classes) }
func constant(label int) behaviour               { return func(int, int, *rand.Rand) int { return label } }

// confused answers the truth with probability p and otherwise a wrong label,
// drawn from weights over the classes when given (so errors are systematic,
// as Dawid–Skene assumes) or uniformly.
func confused(p float64, weights []float64) behaviour {
	return func(t, k int, r *rand.Rand) int {
		if r.Float64() < p {
			return t
		}
		if weights == nil {
			return (t + 1 + r.IntN(k-1)) % k
		}
		var total float64
		for c, w := range weights {
			if c != t {
				total += w
			}
		}
		x := r.Float64() * total
		for c, w := range weights {
			if c == t {
				continue
			}
			if x < w {
				return c
			}
			x -= w
		}
		return (t + 1) % k
	}
}

// crowd simulates answers: every item gets one answer from each worker in
// panel (always), plus extra answers from distinct random workers of pool.
type crowd struct {
	items, classes int
	panel          []behaviour // answer every item
	pool           []behaviour // extra answers per item drawn from here
	extra          int
	seed           uint64
}

// generate returns the dataset (items "0".."n-1", labels "0".."k-1", workers
// "p0".. for the panel and "w0".. for the pool) and the true class per item.
func (c crowd) generate() (*Dataset, []int) {
	rng := rand.New(rand.NewPCG(c.seed, 0x5eed))
	d := &Dataset{}
	// Declare labels first so that label ids equal classes.
	for k := range c.classes {
		intern(&d.Labels, &d.labels, strconv.Itoa(k))
	}
	truth := make([]int, c.items)
	chosen := make([]int, 0, c.extra)
	for i := range c.items {
		t := rng.IntN(c.classes)
		truth[i] = t
		item := strconv.Itoa(i)
		for w, b := range c.panel {
			d.Add(item, "p"+strconv.Itoa(w), strconv.Itoa(b(t, c.classes, rng)))
		}
		chosen = chosen[:0]
		for len(chosen) < c.extra {
			w := rng.IntN(len(c.pool))
			if !slices.Contains(chosen, w) {
				chosen = append(chosen, w)
			}
		}
		for _, w := range chosen {
			d.Add(item, "w"+strconv.Itoa(w), strconv.Itoa(c.pool[w](t, c.classes, rng)))
		}
	}
	return d, truth
}

// benchCrowd is the size of the speed target: 10,000 items × 10 answers from
// 200 workers, 4 classes. Workers have accuracies between 0.35 and 0.95 and
// systematic confusions of their own; one in ten answers uniformly at random.
func benchCrowd() crowd {
	rng := rand.New(rand.NewPCG(7, 7))
	pool := make([]behaviour, 200)
	for w := range pool {
		if w%10 == 0 {
			pool[w] = uniform
			continue
		}
		weights := []float64{rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()}
		pool[w] = confused(0.35+0.6*rng.Float64(), weights)
	}
	return crowd{items: 10_000, classes: 4, pool: pool, extra: 10, seed: 1}
}

// accuracyOf compares inferred labels with the generated truth; label ids
// equal classes because generate declares the labels in order.
func accuracyOf(d *Dataset, r Result, truth []int) float64 {
	correct := 0
	for name, t := range truth {
		i := d.items[strconv.Itoa(name)]
		if r.Labels[i] == t {
			correct++
		}
	}
	return float64(correct) / float64(len(truth))
}
