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

// CallSplit is where a model call's charge goes, in points.
type CallSplit struct {
	// Contributors holds each record's part, in the order of the weights
	// it was split by.
	Contributors []int64
	// ContributorTotal is the sum of Contributors.
	ContributorTotal int64
	Builder          int64
	Treasury         int64
}

// SplitCall divides a call's charge: contributorBP basis points of it to
// the records that shaped the answer, by weight (largest remainder, so the
// parts add up exactly), treasuryBP basis points to the treasury, and the
// rest to the model's builder. When no weight is positive nobody's record
// shaped the answer, and the contributors' share goes to the treasury.
// Shares that together exceed the whole leave the builder nothing and the
// treasury the rest, never less than nothing. The charge must be within
// [0, points.MaxCharge] and the shares within [0, 10000]; every part is
// then non-negative and the parts sum to the charge.
func SplitCall(charge, contributorBP, treasuryBP int64, weights []float64) (CallSplit, error) {
	if charge < 0 || charge > points.MaxCharge {
		return CallSplit{}, fmt.Errorf("%w: a call's charge of %d is outside [0, %d]", ErrBadTransfer, charge, points.MaxCharge)
	}
	if contributorBP < 0 || contributorBP > points.BasisPoints || treasuryBP < 0 || treasuryBP > points.BasisPoints {
		return CallSplit{}, fmt.Errorf("%w: shares of %d and %d basis points", ErrBadTransfer, contributorBP, treasuryBP)
	}
	contributors, err := points.MulDiv(charge, contributorBP, points.BasisPoints)
	if err != nil {
		return CallSplit{}, err
	}
	treasury, err := points.MulDiv(charge, treasuryBP, points.BasisPoints)
	if err != nil {
		return CallSplit{}, err
	}
	sp := CallSplit{Contributors: make([]int64, len(weights))}
	if contributors > 0 {
		parts, err := attrib.Split(contributors, weights)
		switch {
		case errors.Is(err, attrib.ErrNoWeight):
			treasury += contributors // both ≤ charge: no overflow
			contributors = 0
		case err != nil:
			return CallSplit{}, fmt.Errorf("reward: split a call: %w", err)
		default:
			sp.Contributors = parts
		}
	}
	// contributors ≤ charge and treasury ≤ charge, so these stay in range.
	treasury = min(treasury, charge-contributors)
	sp.ContributorTotal, sp.Treasury, sp.Builder = contributors, treasury, charge-contributors-treasury
	return sp, nil
}

// CallPostings turns a split into the postings of one reward.split event:
// the payer pays the charge, each contributor account (in the order of
// sp.Contributors) its part, the builder and the treasury theirs. Amounts
// to one account are added up — the payer may be a contributor or the
// builder too — and accounts left at zero are left out. It refuses a split
// in which the payer would gain or the treasury pay: a call never pays
// its caller out of the cooperative's money.
func CallPostings(payer, builder string, contributors []string, charge int64, sp CallSplit) ([]ledger.Posting, error) {
	if len(contributors) != len(sp.Contributors) {
		return nil, fmt.Errorf("%w: %d contributors for %d parts", ErrBadTransfer, len(contributors), len(sp.Contributors))
	}
	amounts := map[string]int64{}
	add := func(account string, v int64) error {
		sum, err := points.Add(amounts[account], v)
		amounts[account] = sum
		return err
	}
	errs := []error{add(payer, -charge), add(builder, sp.Builder), add(Treasury, sp.Treasury)}
	for i, acct := range contributors {
		errs = append(errs, add(acct, sp.Contributors[i]))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if amounts[payer] > 0 || amounts[Treasury] < 0 {
		return nil, fmt.Errorf("%w: the call would pay its caller %d and the treasury %d", ErrBadTransfer, amounts[payer], amounts[Treasury])
	}
	var postings []ledger.Posting
	for _, acct := range slices.Sorted(maps.Keys(amounts)) {
		if amounts[acct] != 0 {
			postings = append(postings, ledger.Posting{Account: acct, Amount: amounts[acct]})
		}
	}
	return postings, nil
}
