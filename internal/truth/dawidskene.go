package truth

import (
	"errors"
	"fmt"
	"math"
)

// ErrTooManyLabels reports a dataset whose confusion matrices (workers ×
// labels × labels) would not fit in reasonable memory, typically free-text
// answers mistaken for categories.
var ErrTooManyLabels = errors.New("too many distinct labels")

// maxConfusionCells bounds workers × labels² for DawidSkene: 64 Mi cells is
// half a gigabyte of float64.
const maxConfusionCells = 1 << 26

// DawidSkene infers labels with the model of Dawid & Skene (1979): each
// worker w has a confusion matrix θ_w[c][l], the probability of answering l
// when the truth is c, and the classes have prior π. EM alternates between
// the posterior over each item's true label given θ and π (E-step) and the
// θ and π that maximise the expected likelihood under that posterior
// (M-step), starting from the majority-vote shares.
//
// A worker's reliability is Σ_c π_c θ_w[c][c], the probability that their
// answer is right on an item drawn from the class prior.
func DawidSkene(d *Dataset, opts Options) (Result, error) {
	l, err := newLayout(d)
	if err != nil {
		return Result{}, err
	}
	if cells := float64(l.workers) * float64(l.labels) * float64(l.labels); cells > maxConfusionCells {
		return Result{}, fmt.Errorf("dawid-skene: %w: %d workers × %d² labels exceeds %d confusion cells",
			ErrTooManyLabels, l.workers, l.labels, maxConfusionCells)
	}
	opts = opts.withDefaults()
	m := newDSModel(l, opts.Smoothing)
	r := newResult(l)
	m.post = r.Posterior
	votes(l, m.post)
	for r.Iterations < opts.MaxIterations {
		r.Iterations++
		m.maximize()
		if m.expect() < opts.Tolerance {
			r.Converged = true
			break
		}
	}
	// The parameters are refitted to the final posteriors so that the
	// reported reliabilities belong to the labels reported.
	m.maximize()
	r.decide(l)
	k := l.labels
	for w := range l.workers {
		if l.perWorker[w] == 0 {
			continue
		}
		var p float64
		for c := range k {
			p += m.prior[c] * math.Exp(m.logTheta[(w*k+c)*k+c])
		}
		r.Reliability[w] = p
	}
	return r, nil
}

// dsModel holds every buffer EM needs, allocated once, so that an iteration
// allocates nothing.
type dsModel struct {
	l         *layout
	smoothing float64
	post      []float64 // items × labels: P(truth of i = c)
	prior     []float64 // labels
	logPrior  []float64 // labels
	// logTheta[(w*K+l)*K+c] = log θ_w[c][l]. The observed label l comes
	// before the true class c so that the E-step reads the K values it needs
	// for one answer from one contiguous run.
	logTheta []float64
	row      []float64 // labels: scratch for one item in the E-step
}

func newDSModel(l *layout, smoothing float64) *dsModel {
	k := l.labels
	return &dsModel{
		l:         l,
		smoothing: smoothing,
		prior:     make([]float64, k),
		logPrior:  make([]float64, k),
		logTheta:  make([]float64, l.workers*k*k),
		row:       make([]float64, k),
	}
}

// maximize sets π and θ to their smoothed maximum-likelihood values given the
// current posteriors.
func (m *dsModel) maximize() {
	l, k, s := m.l, m.l.labels, m.smoothing
	counts := m.logTheta // accumulated in place, then turned into logs
	clear(counts)
	clear(m.prior)
	answered := 0
	for i := range l.items {
		from, to := l.answers(i)
		if from == to {
			continue
		}
		answered++
		post := m.post[i*k : (i+1)*k]
		for c, p := range post {
			m.prior[c] += p
		}
		for a := from; a < to; a++ {
			cell := counts[(int(l.worker[a])*k+int(l.label[a]))*k:][:k]
			for c, p := range post {
				cell[c] += p
			}
		}
	}
	for c := range m.prior {
		m.prior[c] = (m.prior[c] + s) / (float64(answered) + float64(k)*s)
		m.logPrior[c] = math.Log(m.prior[c])
	}
	for w := range l.workers {
		block := counts[w*k*k : (w+1)*k*k]
		for c := range k {
			total := float64(k) * s
			for obs := range k {
				total += block[obs*k+c]
			}
			for obs := range k {
				block[obs*k+c] = math.Log((block[obs*k+c] + s) / total)
			}
		}
	}
}

// expect recomputes every item's posterior from π and θ and returns the
// largest change of any posterior probability.
func (m *dsModel) expect() float64 {
	l, k := m.l, m.l.labels
	var delta float64
	for i := range l.items {
		from, to := l.answers(i)
		if from == to {
			continue
		}
		row := m.row
		copy(row, m.logPrior)
		for a := from; a < to; a++ {
			theta := m.logTheta[(int(l.worker[a])*k+int(l.label[a]))*k:][:k]
			for c, v := range theta {
				row[c] += v
			}
		}
		normalizeLog(row)
		post := m.post[i*k : (i+1)*k]
		for c, p := range row {
			delta = max(delta, math.Abs(p-post[c]))
			post[c] = p
		}
	}
	return delta
}
