package truth

// MajorityVote gives each item the label most of its answers agree on.
//
// Ties are broken deterministically: first in favour of the label given most
// often across the whole dataset (with no other evidence, the more common
// class is the likelier truth), then in favour of the lower label id, which
// after [Dataset.Sort] is the label that sorts first.
//
// Confidence is the winning label's share of the votes, and a worker's
// reliability is the share of their answers that agree with the majority.
func MajorityVote(d *Dataset) (Result, error) {
	l, err := newLayout(d)
	if err != nil {
		return Result{}, err
	}
	r := newResult(l)
	r.Converged = true
	votes(l, r.Posterior)
	r.decide(l)

	agree := make([]int, l.workers)
	for i := range l.items {
		from, to := l.answers(i)
		for a := from; a < to; a++ {
			if int(l.label[a]) == r.Labels[i] {
				agree[l.worker[a]]++
			}
		}
	}
	for w, n := range l.perWorker {
		if n > 0 {
			r.Reliability[w] = float64(agree[w]) / float64(n)
		}
	}
	return r, nil
}

// votes writes each item's vote shares into post (items × labels); the EM
// methods start from it, which keeps them deterministic and usually near a
// good optimum.
func votes(l *layout, post []float64) {
	k := l.labels
	clear(post)
	for i := range l.items {
		from, to := l.answers(i)
		if from == to {
			continue
		}
		row := post[i*k : (i+1)*k]
		for a := from; a < to; a++ {
			row[l.label[a]]++
		}
		n := float64(to - from)
		for c := range row {
			row[c] /= n
		}
	}
}
