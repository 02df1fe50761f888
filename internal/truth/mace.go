package truth

import "math"

// MACE infers labels with the model of Hovy et al. (2013): on each item,
// worker w either knows the truth and gives it (probability θ_w) or "spams",
// drawing a label from a private distribution ξ_w whatever the truth. Unlike
// DawidSkene's K×K confusion matrix this has K parameters per worker, so it
// copes better with workers who answered few items, and it recognises a
// worker who always gives the same label as a spammer rather than as an
// expert on that class.
//
// EM as in the paper, with its uniform prior over true labels,
// Options.Smoothing as a pseudo-count on θ and ξ, and a start from the
// majority vote instead of random restarts so that results are reproducible.
//
// A worker's reliability is θ_w + (1−θ_w) Σ_c π_c ξ_w[c], with π the share of
// each class among the inferred truths: knowing the answer, or spamming and
// hitting it by chance.
func MACE(d *Dataset, opts Options) (Result, error) {
	l, err := newLayout(d)
	if err != nil {
		return Result{}, err
	}
	opts = opts.withDefaults()
	m := newMACEModel(l, opts.Smoothing)
	r := newResult(l)
	m.post = r.Posterior
	votes(l, m.post)
	m.start()
	for r.Iterations < opts.MaxIterations {
		r.Iterations++
		m.maximize()
		if m.expect() < opts.Tolerance {
			r.Converged = true
			break
		}
	}
	m.maximize()
	r.decide(l)
	k := l.labels
	for w, n := range l.perWorker {
		if n == 0 {
			continue
		}
		var chance float64
		for c := range k {
			chance += m.prior[c] * m.xi[w*k+c]
		}
		r.Reliability[w] = m.theta[w] + (1-m.theta[w])*chance
	}
	return r, nil
}

type maceModel struct {
	l         *layout
	smoothing float64
	post      []float64 // items × labels
	prior     []float64 // labels: mean posterior, for the reliabilities only
	theta     []float64 // workers: probability of knowing the answer
	xi        []float64 // workers × labels: spam distribution
	known     []float64 // workers: expected number of answers given knowingly
	spam      []float64 // workers × labels: expected spam answers per label
	row       []float64 // labels: scratch for one item
	// Per worker × label, fixed within a round, so the E-step does no
	// logarithms: the evidence an answer adds to the label it names, and
	// the probability that it was given knowingly if that label is the truth.
	evidence, knowing []float64
}

func newMACEModel(l *layout, smoothing float64) *maceModel {
	k := l.labels
	return &maceModel{
		l:         l,
		smoothing: smoothing,
		prior:     make([]float64, k),
		theta:     make([]float64, l.workers),
		xi:        make([]float64, l.workers*k),
		known:     make([]float64, l.workers),
		spam:      make([]float64, l.workers*k),
		row:       make([]float64, k),
		evidence:  make([]float64, l.workers*k),
		knowing:   make([]float64, l.workers*k),
	}
}

// start derives the expected counts of the first M-step from the
// majority-vote posteriors, taking an answer as knowing with the
// probability that it matches the truth: a worker who agrees with the
// majority starts competent, and one who does not starts as a spammer whose
// ξ is the labels they actually use.
func (m *maceModel) start() {
	l, k := m.l, m.l.labels
	for i := range l.items {
		from, to := l.answers(i)
		for a := from; a < to; a++ {
			w, obs := int(l.worker[a]), int(l.label[a])
			p := m.post[i*k+obs]
			m.known[w] += p
			m.spam[w*k+obs] += 1 - p
		}
	}
}

// maximize sets θ and ξ (and π) from the posteriors and the expected counts
// gathered by the previous E-step (or by start).
func (m *maceModel) maximize() {
	l, k, s := m.l, m.l.labels, m.smoothing
	clear(m.prior)
	answered := 0
	for i := range l.items {
		if from, to := l.answers(i); from == to {
			continue
		}
		answered++
		for c, p := range m.post[i*k : (i+1)*k] {
			m.prior[c] += p
		}
	}
	for c := range m.prior {
		m.prior[c] /= float64(max(answered, 1))
	}
	for w, n := range l.perWorker {
		m.theta[w] = (m.known[w] + s) / (float64(n) + 2*s)
		spam := m.spam[w*k : (w+1)*k]
		total := float64(k) * s
		for _, v := range spam {
			total += v
		}
		for c, v := range spam {
			xi := (v + s) / total
			m.xi[w*k+c] = xi
			knew, spammed := m.theta[w], (1-m.theta[w])*xi
			m.evidence[w*k+c] = math.Log((knew + spammed) / spammed)
			m.knowing[w*k+c] = knew / (knew + spammed)
		}
	}
}

// expect recomputes the posteriors, gathers the expected knowing and spam
// counts for the next M-step, and returns the largest posterior change.
//
// Given truth c, an answer obs has probability θ[obs=c] + (1−θ)ξ(obs). The
// term (1−θ)ξ(obs) is common to every c, so only the named label gets an
// extra log((θ+(1−θ)ξ(obs)) / ((1−θ)ξ(obs))); the rest cancels in the
// normalisation.
func (m *maceModel) expect() float64 {
	l, k := m.l, m.l.labels
	clear(m.known)
	clear(m.spam)
	var delta float64
	for i := range l.items {
		from, to := l.answers(i)
		if from == to {
			continue
		}
		row := m.row
		clear(row) // uniform prior
		for a := from; a < to; a++ {
			row[l.label[a]] += m.evidence[int(l.worker[a])*k+int(l.label[a])]
		}
		normalizeLog(row)
		post := m.post[i*k : (i+1)*k]
		for c, p := range row {
			delta = max(delta, math.Abs(p-post[c]))
			post[c] = p
		}
		for a := from; a < to; a++ {
			w, obs := int(l.worker[a]), int(l.label[a])
			knew := post[obs] * m.knowing[w*k+obs]
			m.known[w] += knew
			m.spam[w*k+obs] += 1 - knew
		}
	}
	return delta
}
