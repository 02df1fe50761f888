package truth

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// NumericOptions tune Mean and Median. The zero value corrects worker bias.
type NumericOptions struct {
	// MaxIterations bounds the alternating rounds; default 100.
	MaxIterations int
	// Tolerance stops once no item's value moves by more than this; default
	// 1e-9 times the spread of the answers.
	Tolerance float64
	// NoBias turns worker bias correction off: Mean then weights workers by
	// their noise only, and Median is the plain median.
	NoBias bool
}

// NumericResult is what Mean and Median infer.
type NumericResult struct {
	// Values holds the inferred value per item, NaN for an item without
	// answers.
	Values []float64
	// StdErr holds per item the standard error of the value under the
	// Gaussian worker model; the smaller, the more confident.
	StdErr []float64
	// Bias holds per worker the amount they add to the truth on average.
	// Biases are centred so that the median worker has none: most workers
	// are assumed unbiased, which lets a minority of shifted workers be
	// found instead of dragging the truth along.
	Bias []float64
	// Noise holds per worker the standard deviation of their answers around
	// truth plus bias, shrunk towards the pooled noise when they answered
	// few items.
	Noise []float64
	// Reliability holds per worker σ²/(σ² + Noise²) with σ the pooled
	// noise: 1/2 for a typical worker, towards 1 for a precise one and
	// towards 0 for a noisy one; 0 for a worker without answers.
	Reliability []float64
	Iterations  int
	Converged   bool
}

// Shrinkage for the per-worker estimates, in pseudo-answers: a worker's bias
// is shrunk towards 0 as if they had one extra answer with no bias, and
// their variance towards the pooled one as if they had two extra answers
// at it. Without it, a worker with a single answer would get its residual
// as bias and zero noise, and with it infinite weight.
const (
	biasPseudoAnswers  = 1.0
	noisePseudoAnswers = 2.0
)

// Mean infers each item's value as the precision-weighted mean of its
// answers corrected for each worker's bias, alternating with re-estimating
// the biases and noise levels from the residuals.
func Mean(d *NumericDataset, opts NumericOptions) (NumericResult, error) {
	return inferNumeric(d, opts, false)
}

// Median infers each item's value as the median of its answers corrected for
// each worker's bias, the bias being the median of the worker's residuals.
// It resists outlying answers that Mean would average in.
func Median(d *NumericDataset, opts NumericOptions) (NumericResult, error) {
	return inferNumeric(d, opts, true)
}

func inferNumeric(d *NumericDataset, opts NumericOptions, median bool) (NumericResult, error) {
	nItems, nWorkers := len(d.Items), len(d.Workers)
	for n, a := range d.Answers {
		if a.Item < 0 || a.Item >= nItems || a.Worker < 0 || a.Worker >= nWorkers {
			return NumericResult{}, fmt.Errorf("%w: answer %d refers to item %d, worker %d; have %d, %d",
				ErrInvalid, n, a.Item, a.Worker, nItems, nWorkers)
		}
		if math.IsNaN(a.Value) || math.IsInf(a.Value, 0) {
			return NumericResult{}, fmt.Errorf("%w: answer %d is %v", ErrInvalid, n, a.Value)
		}
	}
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 100
	}
	m := newNumericModel(d)
	r := NumericResult{
		Values:      m.value,
		StdErr:      make([]float64, nItems),
		Bias:        m.bias,
		Noise:       make([]float64, nWorkers),
		Reliability: make([]float64, nWorkers),
	}
	m.estimateValues(median) // with no bias and equal weights: plain mean or median
	pooled := m.pooledVariance()
	tol := opts.Tolerance
	if tol <= 0 {
		tol = 1e-9 * math.Sqrt(pooled)
	}
	for r.Iterations < opts.MaxIterations {
		r.Iterations++
		if !opts.NoBias {
			m.estimateBias(median)
		}
		m.estimateNoise(pooled)
		if !median {
			for w, v := range m.variance {
				m.weight[w] = 1 / v
			}
		}
		if m.estimateValues(median) <= tol {
			r.Converged = true
			break
		}
	}
	m.estimateNoise(pooled)
	for w, v := range m.variance {
		if m.perWorker[w] == 0 {
			continue
		}
		r.Noise[w] = math.Sqrt(v)
		r.Reliability[w] = pooled / (pooled + v)
	}
	for i := range r.StdErr {
		var precision float64
		for _, a := range m.byItem(i) {
			precision += 1 / m.variance[a.Worker]
		}
		r.StdErr[i] = math.Sqrt(1 / precision) // +Inf for an item without answers
	}
	return r, nil
}

// numericModel holds the answers grouped by item and by worker, and the
// current estimates.
type numericModel struct {
	items     []NumericAnswer // sorted by item
	itemStart []int
	workers   []NumericAnswer // sorted by worker
	wStart    []int
	perWorker []int
	value     []float64 // items
	bias      []float64 // workers
	variance  []float64 // workers
	weight    []float64 // workers: 1 for the median, 1/variance for the mean
	scratch   []float64
}

func newNumericModel(d *NumericDataset) *numericModel {
	m := &numericModel{
		items:     slices.Clone(d.Answers),
		workers:   slices.Clone(d.Answers),
		itemStart: make([]int, len(d.Items)+1),
		wStart:    make([]int, len(d.Workers)+1),
		perWorker: make([]int, len(d.Workers)),
		value:     make([]float64, len(d.Items)),
		bias:      make([]float64, len(d.Workers)),
		variance:  make([]float64, len(d.Workers)),
		weight:    make([]float64, len(d.Workers)),
	}
	// A total order, not just grouping, so that sums run in the same order
	// whatever the order the answers arrived in.
	slices.SortFunc(m.items, func(a, b NumericAnswer) int {
		return cmp.Or(cmp.Compare(a.Item, b.Item), cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Value, b.Value))
	})
	slices.SortFunc(m.workers, func(a, b NumericAnswer) int {
		return cmp.Or(cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Item, b.Item), cmp.Compare(a.Value, b.Value))
	})
	for _, a := range d.Answers {
		m.itemStart[a.Item+1]++
		m.wStart[a.Worker+1]++
		m.perWorker[a.Worker]++
	}
	longest := 0
	for i := range len(d.Items) {
		longest = max(longest, m.itemStart[i+1])
		m.itemStart[i+1] += m.itemStart[i]
	}
	longest = max(longest, len(d.Workers)) // estimateBias takes the median over workers
	for w := range len(d.Workers) {
		longest = max(longest, m.wStart[w+1])
		m.wStart[w+1] += m.wStart[w]
		m.weight[w] = 1
	}
	m.scratch = make([]float64, longest)
	return m
}

func (m *numericModel) byItem(i int) []NumericAnswer {
	return m.items[m.itemStart[i]:m.itemStart[i+1]]
}

func (m *numericModel) byWorker(w int) []NumericAnswer {
	return m.workers[m.wStart[w]:m.wStart[w+1]]
}

// estimateValues sets each item's value from its bias-corrected answers and
// returns the largest change.
func (m *numericModel) estimateValues(median bool) float64 {
	var delta float64
	for i := range m.value {
		answers := m.byItem(i)
		var v float64
		switch {
		case len(answers) == 0:
			v = math.NaN()
		case median:
			xs := m.scratch[:len(answers)]
			for n, a := range answers {
				xs[n] = a.Value - m.bias[a.Worker]
			}
			v = medianOf(xs)
		default:
			var sum, weights float64
			for _, a := range answers {
				w := m.weight[a.Worker]
				sum += w * (a.Value - m.bias[a.Worker])
				weights += w
			}
			v = sum / weights
		}
		if !math.IsNaN(v) {
			delta = max(delta, math.Abs(v-m.value[i]))
		}
		m.value[i] = v
	}
	return delta
}

// estimateBias sets each worker's bias from their residuals, then centres the
// biases on the median worker, which fixes the otherwise free offset between
// values and biases.
func (m *numericModel) estimateBias(median bool) {
	for w := range m.bias {
		answers := m.byWorker(w)
		if len(answers) == 0 {
			m.bias[w] = 0
			continue
		}
		if median {
			xs := m.scratch[:len(answers)]
			for n, a := range answers {
				xs[n] = a.Value - m.value[a.Item]
			}
			m.bias[w] = medianOf(xs)
			continue
		}
		var sum float64
		for _, a := range answers {
			sum += a.Value - m.value[a.Item]
		}
		m.bias[w] = sum / (float64(len(answers)) + biasPseudoAnswers)
	}
	xs := m.scratch[:0]
	for w, b := range m.bias {
		if m.perWorker[w] > 0 {
			xs = append(xs, b)
		}
	}
	if len(xs) == 0 {
		return
	}
	centre := medianOf(xs)
	for w := range m.bias {
		if m.perWorker[w] > 0 {
			m.bias[w] -= centre
		}
	}
}

// estimateNoise sets each worker's variance around value plus bias, shrunk
// towards pooled.
func (m *numericModel) estimateNoise(pooled float64) {
	for w := range m.variance {
		ss := noisePseudoAnswers * pooled
		for _, a := range m.byWorker(w) {
			e := a.Value - m.value[a.Item] - m.bias[w]
			ss += e * e
		}
		m.variance[w] = ss / (float64(m.perWorker[w]) + noisePseudoAnswers)
	}
}

// pooledVariance is the mean squared residual of all answers around the
// current values; 1 when every answer already agrees, so that variances stay
// positive and weights finite.
func (m *numericModel) pooledVariance() float64 {
	var ss float64
	n := 0
	for _, a := range m.items {
		e := a.Value - m.value[a.Item]
		ss += e * e
		n++
	}
	if n == 0 || ss == 0 {
		return 1
	}
	return ss / float64(n)
}

// medianOf returns the median of xs, reordering it; the mean of the middle
// two for an even count.
func medianOf(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// NumericError compares inferred values with known ones: the mean absolute
// error, the root mean squared error, and the number of items compared.
// truth maps item names to values; items absent from d are ignored, and an
// item without answers is skipped.
func NumericError(d *NumericDataset, r NumericResult, truth map[string]float64) (mae, rmse float64, n int) {
	for i, name := range d.Items {
		want, ok := truth[name]
		if !ok || math.IsNaN(r.Values[i]) {
			continue
		}
		e := r.Values[i] - want
		mae += math.Abs(e)
		rmse += e * e
		n++
	}
	if n == 0 {
		return 0, 0, 0
	}
	return mae / float64(n), math.Sqrt(rmse / float64(n)), n
}
