package attrib

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
)

// ErrNoWeight is returned by Split when no weight is positive and finite:
// nobody has a claim, and the caller decides where the amount goes.
var ErrNoWeight = errors.New("no positive weight")

// Split divides amount into integer parts proportional to weights by the
// largest-remainder (Hamilton) method: every part gets the integer part of
// its exact share amount·w/Σw, and the units left over go one each to the
// largest fractional remainders, equal remainders in index order. Weights
// that are negative, zero, NaN or infinite get nothing. The parts add up to
// amount exactly and each is within 1 of its exact share.
//
// The shares are computed exactly: a float64 weight is an integer times a
// power of two, so scaling every weight by the smallest power turns the
// weights into integers (math/big, since their ratios can span 2^2100) and
// each share into an integer division without rounding.
func Split(amount int64, weights []float64) ([]int64, error) {
	if amount < 0 {
		return nil, fmt.Errorf("split: amount %d is negative", amount)
	}
	type share struct {
		i    int
		mant int64
		exp  int
		rem  big.Int
	}
	var shares []share
	minExp := math.MaxInt
	for i, w := range weights {
		if !(w > 0) || math.IsInf(w, 1) {
			continue
		}
		frac, exp := math.Frexp(w)
		sh := share{i: i, mant: int64(frac * (1 << 53)), exp: exp - 53}
		shares = append(shares, sh)
		minExp = min(minExp, sh.exp)
	}
	if len(shares) == 0 {
		return nil, fmt.Errorf("split %d: %w among %d weights", amount, ErrNoWeight, len(weights))
	}
	scaled := make([]big.Int, len(shares))
	var total big.Int
	for k := range shares {
		scaled[k].Lsh(big.NewInt(shares[k].mant), uint(shares[k].exp-minExp))
		total.Add(&total, &scaled[k])
	}
	parts := make([]int64, len(weights))
	a := big.NewInt(amount)
	left := amount
	var num, q big.Int
	for k := range shares {
		num.Mul(a, &scaled[k])
		q.QuoRem(&num, &total, &shares[k].rem)
		parts[shares[k].i] = q.Int64() // at most amount
		left -= parts[shares[k].i]
	}
	// left < len(shares): each share lost less than one unit.
	slices.SortFunc(shares, func(x, y share) int {
		return cmp.Or(y.rem.Cmp(&x.rem), cmp.Compare(x.i, y.i))
	})
	for k := range left {
		parts[shares[k].i]++
	}
	return parts, nil
}
