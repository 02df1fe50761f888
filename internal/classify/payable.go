package classify

// Payable turns influences into the shares a payment is split by (see the
// package doc): the records with a positive weight, each with its weight
// divided by the sum of the positive weights, in the order given. It
// returns nil when no weight is positive: nobody is paid by influence.
// The shares are weights for reward.Postings, which makes them integer
// points; they are not money themselves.
func Payable(inf []Influence) []Influence {
	var sum float64
	for _, x := range inf {
		if x.Weight > 0 {
			sum += x.Weight
		}
	}
	if !(sum > 0) {
		return nil
	}
	var out []Influence
	for _, x := range inf {
		if x.Weight > 0 {
			out = append(out, Influence{ID: x.ID, Label: x.Label, Weight: x.Weight / sum})
		}
	}
	return out
}
