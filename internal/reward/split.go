package reward

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
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
// A model whose funding round met its goal also pays its funders: a share
// of the total taken from Rest's part, divided pro rata to their pledges.
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
	// FunderBP is the funders' share, within [0, 10000], taken from what
	// Rest would get (never from the contributors' or the treasury's), and
	// divided among Funders pro rata to Stakes.
	FunderBP int64
	// Funders are the funders' accounts, one per stake; Stakes are their
	// pledges, each positive.
	Funders []string
	Stakes  []int64
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
	// Funders holds each funder's part, in the order of Payment.Funders;
	// FunderTotal is their sum.
	Funders     []int64
	FunderTotal int64
}

// Postings divides a payment and returns the postings of the one ledger
// event that records it. ContributorBP basis points of the total go to the
// contributors by weight (largest remainder, so the parts add up exactly);
// TreasuryBP basis points, rounded down, to the treasury; the rest to Rest.
// When no weight is positive nobody's record shaped the answer, and the
// contributors' share goes to the treasury. Shares that together exceed
// the whole leave Rest nothing and the treasury what remains, never less
// than nothing. FunderBP basis points of the total, rounded down, go to the
// funders out of Rest's part — at most that part, so the funders never
// take from the contributors or the treasury — divided by ProRata.
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
	if p.FunderBP < 0 || p.FunderBP > points.BasisPoints || len(p.Funders) != len(p.Stakes) {
		return Split{}, nil, fmt.Errorf("%w: a funders' share of %d basis points for %d funders and %d stakes", ErrBadTransfer, p.FunderBP, len(p.Funders), len(p.Stakes))
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
	sp.Funders = make([]int64, len(p.Funders))
	if len(p.Funders) > 0 {
		funders, err := points.MulDiv(p.Total, p.FunderBP, points.BasisPoints)
		if err != nil {
			return Split{}, nil, err
		}
		funders = min(funders, sp.Rest)
		if sp.Funders, err = ProRata(funders, p.Stakes); err != nil {
			return Split{}, nil, err
		}
		sp.FunderTotal, sp.Rest = funders, sp.Rest-funders
	}

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
	for i, acct := range p.Funders {
		errs = append(errs, add(acct, sp.Funders[i]))
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

// ProRata divides total among stakes in proportion to them, exactly: each
// part is total·stake/Σstakes rounded down, and the points the rounding
// leaves go one each to the largest remainders (Hamilton's method; equal
// remainders to the earlier stake). The parts are non-negative and sum to
// total. Every stake must be positive and total non-negative. Funders are
// paid by it from a call's split, and a funding round that met its goal
// returns what it does not spend by it.
func ProRata(total int64, stakes []int64) ([]int64, error) {
	if total < 0 {
		return nil, fmt.Errorf("%w: a pro rata division of %d", ErrBadTransfer, total)
	}
	if len(stakes) == 0 {
		if total == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: %d points to divide among no stakes", ErrBadTransfer, total)
	}
	var sum big.Int
	for _, s := range stakes {
		if s <= 0 {
			return nil, fmt.Errorf("%w: a stake of %d", ErrBadTransfer, s)
		}
		sum.Add(&sum, big.NewInt(s))
	}
	parts := make([]int64, len(stakes))
	rems := make([]big.Int, len(stakes))
	T := big.NewInt(total)
	left := total
	for i, s := range stakes {
		var q big.Int
		q.Mul(T, big.NewInt(s))
		q.QuoRem(&q, &sum, &rems[i])
		parts[i] = q.Int64() // ≤ total
		left -= parts[i]
	}
	// Fewer than len(stakes) points are left: each part lost less than one.
	order := make([]int, len(stakes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(&rems[a]) })
	for _, i := range order[:left] {
		parts[i]++
	}
	return parts, nil
}
