package truth

// Result is what a categorical method infers.
type Result struct {
	// Labels holds the inferred label id per item, -1 for an item without
	// answers.
	Labels []int
	// Confidence holds, per item, the probability the method gives its label
	// (for MajorityVote, the share of votes).
	Confidence []float64
	// Posterior holds P(truth of item i = label c) at [i*K+c], K being the
	// number of labels of the dataset; a row of zeros for an item without
	// answers.
	Posterior []float64
	// Reliability holds, per worker, the estimated probability that an answer
	// of that worker equals the truth, so figures are comparable across
	// methods; 0 for a worker without answers.
	Reliability []float64
	// Iterations is the number of EM rounds run, and Converged says whether
	// they stopped because the posteriors settled rather than because
	// MaxIterations was reached (MajorityVote: 0 rounds, converged).
	Iterations int
	Converged  bool
}

// Options tune the iterative methods. The zero value gives the defaults.
type Options struct {
	// MaxIterations bounds the EM rounds; default 100.
	MaxIterations int
	// Tolerance stops EM once no item's posterior probability moves by more
	// than this in a round; default 1e-6.
	Tolerance float64
	// Smoothing is a pseudo-count added to every cell of a worker's confusion
	// matrix (DawidSkene) or spam distribution (MACE), so a label a worker
	// has not used yet keeps a small probability instead of vetoing a class
	// for ever; default 0.01.
	Smoothing float64
}

func (o Options) withDefaults() Options {
	if o.MaxIterations <= 0 {
		o.MaxIterations = 100
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 1e-6
	}
	if o.Smoothing <= 0 {
		o.Smoothing = 0.01
	}
	return o
}

// newResult allocates a Result for l.
func newResult(l *layout) Result {
	return Result{
		Labels:      make([]int, l.items),
		Confidence:  make([]float64, l.items),
		Posterior:   make([]float64, l.items*l.labels),
		Reliability: make([]float64, l.workers),
	}
}

// decide fills Labels and Confidence from Posterior.
func (r *Result) decide(l *layout) {
	freq := l.labelFrequency()
	k := l.labels
	for i := range l.items {
		if from, to := l.answers(i); from == to {
			r.Labels[i] = -1
			r.Confidence[i] = 0
			clear(r.Posterior[i*k : (i+1)*k])
			continue
		}
		row := r.Posterior[i*k : (i+1)*k]
		c := argmax(row, freq)
		r.Labels[i] = c
		r.Confidence[i] = row[c]
	}
}

// Accuracy returns the share of items with a known truth whose inferred label
// equals it, and how many such items there were. truth maps item names to
// label names; items absent from d are ignored, and an item left without a
// label counts as wrong.
func Accuracy(d *Dataset, r Result, truth map[string]string) (accuracy float64, n int) {
	correct := 0
	for i, name := range d.Items {
		want, ok := truth[name]
		if !ok {
			continue
		}
		n++
		if c := r.Labels[i]; c >= 0 && d.Labels[c] == want {
			correct++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(correct) / float64(n), n
}
