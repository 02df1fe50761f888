package truth

import (
	"math"
	"slices"
)

// GLAD's Gaussian priors, as in Whitehill et al.'s reference code: ability
// α ~ N(1, 1) and log inverse difficulty s = log β ~ N(1, 1). They keep a
// worker seen on few items, or an item seen by few workers, from running off
// to an extreme value.
const (
	gladAlphaMean, gladAlphaVar = 1.0, 1.0
	gladSMean, gladSVar         = 1.0, 1.0
	// gladBacktracks bounds the halvings of a Newton step that does not
	// improve the objective; after that the parameter keeps its value, which
	// EM tolerates because each M-step only needs to improve the objective,
	// not maximise it.
	gladBacktracks = 10
	// gladMaxStep caps one Newton step so that a flat region of the
	// likelihood cannot throw a parameter far away.
	gladMaxStep = 2.0
	// gladMinStep is the step below which a parameter counts as settled;
	// near the optimum, rounding would otherwise make every trial look like
	// a decrease and use up all the backtracking.
	gladMinStep = 1e-9
)

// GLAD infers labels with the model of Whitehill et al. (2009): worker w has
// an ability α_w (negative for adversaries), item i an inverse difficulty
// β_i = exp(s_i) > 0, and a worker's answer is right with probability
// σ(α_w β_i). For more than two labels a wrong answer is spread evenly over
// the K−1 wrong labels. EM alternates the posterior over true labels with a
// damped Newton step on each α and s (see gladModel.maximize).
//
// As in the paper, the class prior is uniform rather than estimated (on both
// public benchmarks of the package tests, estimating it made GLAD less
// accurate). Options.Smoothing is not used.
//
// A worker's reliability is the mean of σ(α_w β_i) over the items they
// answered.
func GLAD(d *Dataset, opts Options) (Result, error) {
	l, err := newLayout(d)
	if err != nil {
		return Result{}, err
	}
	opts = opts.withDefaults()
	r := newResult(l)
	if l.labels < 2 {
		// One possible label: nothing to infer, and log(K−1) below would be
		// −∞.
		for i := range l.items {
			r.Posterior[i] = 1
		}
		r.decide(l)
		for w, n := range l.perWorker {
			if n > 0 {
				r.Reliability[w] = 1
			}
		}
		r.Converged = true
		return r, nil
	}
	m := newGLADModel(l)
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
	r.decide(l)
	sum := make([]float64, l.workers)
	for i := range l.items {
		beta := m.beta[i]
		from, to := l.answers(i)
		for a := from; a < to; a++ {
			w := l.worker[a]
			sum[w] += sigmoid(m.alpha[w] * beta)
		}
	}
	for w, n := range l.perWorker {
		if n > 0 {
			r.Reliability[w] = sum[w] / float64(n)
		}
	}
	return r, nil
}

type gladModel struct {
	l     *layout
	post  []float64 // items × labels
	alpha []float64 // workers: ability
	s     []float64 // items: log inverse difficulty
	beta  []float64 // items: exp(s), cached for the passes over answers
	row   []float64 // labels: scratch for one item
	// The answers again, grouped by worker, so that each ability can be
	// fitted from its own answers: byWorker[wStart[w]:wStart[w+1]] are
	// indexes into the layout's arrays, and item[a] is answer a's item.
	byWorker, wStart, item []int32
}

func newGLADModel(l *layout) *gladModel {
	m := &gladModel{
		l:        l,
		alpha:    make([]float64, l.workers),
		s:        make([]float64, l.items),
		beta:     make([]float64, l.items),
		row:      make([]float64, l.labels),
		byWorker: make([]int32, len(l.worker)),
		wStart:   make([]int32, l.workers+1),
		item:     make([]int32, len(l.worker)),
	}
	for w := range m.alpha {
		m.alpha[w] = gladAlphaMean
	}
	for i := range m.s {
		m.s[i] = gladSMean
	}
	for w, n := range l.perWorker {
		m.wStart[w+1] = m.wStart[w] + n
	}
	next := slices.Clone(m.wStart[:l.workers])
	for i := range l.items {
		from, to := l.answers(i)
		for a := from; a < to; a++ {
			w := l.worker[a]
			m.byWorker[next[w]] = int32(a)
			next[w]++
			m.item[a] = int32(i)
		}
	}
	return m
}

// maximize improves α and s against the expected complete-data
// log-likelihood plus the log priors. With p the posterior probability that
// an answer is right and x = α β, each answer contributes
// p log σ(x) + (1−p) log(1−σ(x)), whose derivative in x is p − σ(x) and whose
// curvature is −σ(x)(1−σ(x)). Each α_w depends only on its worker's answers
// and each s_i only on its item's, so they are fitted one at a time, α with β
// fixed and then s with α fixed.
func (m *gladModel) maximize() {
	l, k := m.l, m.l.labels
	for i, s := range m.s {
		m.beta[i] = math.Exp(s)
	}
	// Abilities: x = α β is linear in α, ∂x/∂α = β.
	for w := range m.alpha {
		answers := m.byWorker[m.wStart[w]:m.wStart[w+1]]
		alpha := m.alpha[w]
		g := -(alpha - gladAlphaMean) / gladAlphaVar
		h := 1 / gladAlphaVar
		f := -(alpha - gladAlphaMean) * (alpha - gladAlphaMean) / (2 * gladAlphaVar)
		for _, a := range answers {
			beta := m.beta[m.item[a]]
			p := m.post[int(m.item[a])*k+int(l.label[a])]
			sg, obj := answerTerms(p, alpha*beta)
			g += (p - sg) * beta
			h += sg * (1 - sg) * beta * beta
			f += obj
		}
		m.alpha[w] = dampedNewton(alpha, g, h, f, func(alpha float64) float64 {
			f := -(alpha - gladAlphaMean) * (alpha - gladAlphaMean) / (2 * gladAlphaVar)
			for _, a := range answers {
				i := int(m.item[a])
				f += answerObjective(m.post[i*k+int(l.label[a])], alpha*m.beta[i])
			}
			return f
		})
	}
	// Difficulties: ∂x/∂s = x, and the curvature below is the Fisher
	// information (it drops a term that can make the true one positive), so
	// the step always points uphill.
	for i := range l.items {
		from, to := l.answers(i)
		s, beta := m.s[i], m.beta[i]
		g := -(s - gladSMean) / gladSVar
		h := 1 / gladSVar
		f := -(s - gladSMean) * (s - gladSMean) / (2 * gladSVar)
		for a := from; a < to; a++ {
			x := m.alpha[l.worker[a]] * beta
			p := m.post[i*k+int(l.label[a])]
			sg, obj := answerTerms(p, x)
			g += (p - sg) * x
			h += sg * (1 - sg) * x * x
			f += obj
		}
		m.s[i] = dampedNewton(s, g, h, f, func(s float64) float64 {
			beta := math.Exp(s)
			f := -(s - gladSMean) * (s - gladSMean) / (2 * gladSVar)
			for a := from; a < to; a++ {
				f += answerObjective(m.post[i*k+int(l.label[a])], m.alpha[l.worker[a]]*beta)
			}
			return f
		})
		m.beta[i] = math.Exp(m.s[i])
	}
}

// dampedNewton returns v moved by the Newton step g/h (h the negated
// curvature), halved until objective does not fall below its value before,
// which the caller computed with the gradient. A full Newton step
// from where σ saturates overshoots so far that abilities would swing
// between signs from one round to the next. If no step helps, v stays:
// each M-step only has to improve the objective, not maximise it.
func dampedNewton(v, g, h, before float64, objective func(float64) float64) float64 {
	step := max(-gladMaxStep, min(gladMaxStep, g/h))
	if math.Abs(step) < gladMinStep {
		return v
	}
	for range gladBacktracks {
		if objective(v+step) >= before {
			return v + step
		}
		step /= 2
	}
	return v
}

// answerObjective is one answer's term of the objective.
func answerObjective(p, x float64) float64 {
	_, f := answerTerms(p, x)
	return f
}

// answerTerms returns σ(x) and the answer's objective term
// p log σ(x) + (1−p) log σ(−x), from one exp and one log1p: with
// e = exp(−|x|), log σ(±x) = −log(1+e) − max(∓x, 0).
func answerTerms(p, x float64) (sigma, objective float64) {
	e := math.Exp(-math.Abs(x))
	objective = -math.Log1p(e) - p*max(-x, 0) - (1-p)*max(x, 0)
	if x >= 0 {
		return 1 / (1 + e), objective
	}
	return e / (1 + e), objective
}

// expect recomputes the posteriors and returns the largest change. An
// answer adds log σ(x) to the label it names and log((1−σ(x))/(K−1)) to every
// other label; adding the latter to all labels instead changes nothing after
// normalisation, and log σ(x) − log(1−σ(x)) = x, so an answer simply adds
// x + log(K−1) to the label it names.
func (m *gladModel) expect() float64 {
	l, k := m.l, m.l.labels
	logWrongShare := math.Log(float64(k - 1))
	var delta float64
	for i := range l.items {
		from, to := l.answers(i)
		if from == to {
			continue
		}
		beta := m.beta[i]
		row := m.row
		clear(row) // uniform class prior
		for a := from; a < to; a++ {
			row[l.label[a]] += m.alpha[l.worker[a]]*beta + logWrongShare
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

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
