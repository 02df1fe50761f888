package reward

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/allmende/allmende/internal/attrib"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
)

// Payment is one payment to divide by published shares: a model call's
// charge, paid by the caller to the contributors of the records that
// shaped the answer, the treasury and the model's builder; or a finished
// automation run's price, paid from its escrow to the treasury and the
// recording's author. Shares are in basis points of the total; whoever
// is named Rest (the builder, the author) gets what the shares leave.
type Payment struct {
	// Payer is the account the total comes from.
	Payer string
	// Total is what is divided, within [0, points.MaxCharge].
	Total int64
	// ContributorBP is the contributors' share, within [0, 10000],
	// divided among Contributors by Weights.
	ContributorBP int64
	// Contributors are the contributors' accounts, one per weight; an
	// account may appear more than once.
	Contributors []string
	Weights      []float64
	// TreasuryBP is the treasury's share, within [0, 10000].
	TreasuryBP int64
	// Rest is the account that gets what remains.
	Rest string
}

// Split is where a payment goes, in points.
type Split struct {
	// Contributors holds each contributor's part, in the order of
	// Payment.Contributors.
	Contributors []int64
	// ContributorTotal is the sum of Contributors.
	ContributorTotal int64
	Treasury         int64
	// Rest is the builder's or the author's part.
	Rest int64
}

// Postings divides a payment and returns the postings of the one ledger
// event that records it. ContributorBP basis points of the total go to the
// contributors by weight (largest remainder, so the parts add up exactly);
// TreasuryBP basis points, rounded down, to the treasury; the rest to Rest.
// When no weight is positive nobody's record shaped the answer, and the
// contributors' share goes to the treasury. Shares that together exceed
// the whole leave Rest nothing and the treasury what remains, never less
// than nothing.
//
// Every part is non-negative and the parts sum to the total. Amounts to
// one account are added up — the payer may also be a contributor or Rest —
// and accounts left at zero are left out, so the postings sum to zero and
// name each account once, in account order. A payment in which the payer
// would gain or the treasury pay is refused: nobody is paid out of the
// cooperative's money for paying it.
func Postings(p Payment) (Split, []ledger.Posting, error) {
	if p.Total < 0 || p.Total > points.MaxCharge {
		return Split{}, nil, fmt.Errorf("%w: a payment of %d is outside [0, %d]", ErrBadTransfer, p.Total, points.MaxCharge)
	}
	if p.ContributorBP < 0 || p.ContributorBP > points.BasisPoints || p.TreasuryBP < 0 || p.TreasuryBP > points.BasisPoints {
		return Split{}, nil, fmt.Errorf("%w: shares of %d and %d basis points", ErrBadTransfer, p.ContributorBP, p.TreasuryBP)
	}
	if len(p.Contributors) != len(p.Weights) {
		return Split{}, nil, fmt.Errorf("%w: %d contributors for %d weights", ErrBadTransfer, len(p.Contributors), len(p.Weights))
	}
	contributors, err := points.MulDiv(p.Total, p.ContributorBP, points.BasisPoints)
	if err != nil {
		return Split{}, nil, err
	}
	treasury, err := points.MulDiv(p.Total, p.TreasuryBP, points.BasisPoints)
	if err != nil {
		return Split{}, nil, err
	}
	sp := Split{Contributors: make([]int64, len(p.Weights))}
	if contributors > 0 {
		parts, err := attrib.Split(contributors, p.Weights)
		switch {
		case errors.Is(err, attrib.ErrNoWeight):
			treasury += contributors // both ≤ total: no overflow
			contributors = 0
		case err != nil:
			return Split{}, nil, fmt.Errorf("reward: split a payment: %w", err)
		default:
			sp.Contributors = parts
		}
	}
	// contributors ≤ total and treasury ≤ total, so these stay in range.
	treasury = min(treasury, p.Total-contributors)
	sp.ContributorTotal, sp.Treasury, sp.Rest = contributors, treasury, p.Total-contributors-treasury

	amounts := map[string]int64{}
	add := func(account string, v int64) error {
		sum, err := points.Add(amounts[account], v)
		amounts[account] = sum
		return err
	}
	errs := []error{add(p.Payer, -p.Total), add(p.Rest, sp.Rest), add(Treasury, sp.Treasury)}
	for i, acct := range p.Contributors {
		errs = append(errs, add(acct, sp.Contributors[i]))
	}
	if err := errors.Join(errs...); err != nil {
		return Split{}, nil, err
	}
	if amounts[p.Payer] > 0 || amounts[Treasury] < 0 {
		return Split{}, nil, fmt.Errorf("%w: the payment would pay its payer %d and the treasury %d", ErrBadTransfer, amounts[p.Payer], amounts[Treasury])
	}
	var postings []ledger.Posting
	for _, acct := range slices.Sorted(maps.Keys(amounts)) {
		if amounts[acct] != 0 {
			postings = append(postings, ledger.Posting{Account: acct, Amount: amounts[acct]})
		}
	}
	return sp, postings, nil
}
