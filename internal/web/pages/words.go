package pages

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
)

// bindingParams are the parameters a binding proposal may set, in the
// order the form offers them, with what they mean to a member and their
// name in a sentence. Amounts of money are typed in points, the unit the
// ledger counts in; the form says what a point is worth.
var bindingParams = []struct {
	Name  coop.Param
	Desc  string
	Words string
}{
	{coop.PayFloor, "Pay floor per hour of measured work, in points", "the pay floor"},
	{coop.ContributorShare, "Contributors' share of a model call's charge, in basis points (7000 = 70 %)", "the contributors' share of a model call"},
	{coop.TreasuryShare, "The cooperative's share of a model call's charge, in basis points", "the treasury's share of a model call"},
	{coop.PointsPerShare, "Points earned per governance share at an epoch close", "the points earned per governance share"},
	{coop.RecordingReward, "What a verified recording of browser work pays its recorder, in points", "the pay for a verified recording"},
	{coop.AuthorShare, "The author's share of an automation run's price, in basis points (8000 = 80 %)", "the author's share of an automation run"},
}

// paramWords names a parameter in a sentence, never by its internal
// name: "the pay floor", not pay_floor_per_hour.
func paramWords(p coop.Param) string {
	for _, bp := range bindingParams {
		if bp.Name == p {
			return bp.Words
		}
	}
	return strings.ReplaceAll(string(p), "_", " ")
}

// paramValue writes a parameter's value the way a member reads it, with
// amounts of money in the cooperative's currency.
func (p *Pages) paramValue(param coop.Param, v int64) string {
	switch param {
	case coop.PayFloor:
		return p.money(v) + " per hour"
	case coop.RecordingReward:
		return p.money(v) + " per recording"
	case coop.ContributorShare, coop.TreasuryShare, coop.AuthorShare:
		return fmt.Sprintf("%d.%02d %%", v/100, v%100)
	case coop.PointsPerShare:
		return "1 share per " + p.money(v) + " earned"
	}
	return strconv.FormatInt(v, 10)
}

// phaseWords says where a proposal's vote stands.
var phaseWords = map[govern.Phase]string{
	govern.Upcoming: "opens later",
	govern.Voting:   "open for votes",
	govern.Counting: "closed, being counted",
	govern.Decided:  "decided",
}

var modeWords = map[govern.Mode]string{
	govern.PerMember: "one member, one vote",
	govern.PerShare:  "weighed by governance shares",
	govern.Quadratic: "weighed by the square root of governance shares",
}

// moment writes a time to the minute, in UTC, for deadlines.
func moment(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// outcome says in words how a decided proposal ended: whether it passed,
// and which option won — "Rejected: most votes kept things as they are
// (“No, keep 70%”)", never "rejected: No, keep 70%".
func outcome(p govern.Proposal) string {
	r := p.Result
	if r == nil {
		return ""
	}
	switch {
	case r.Status == govern.NoQuorum:
		return fmt.Sprintf("No decision: only %.0f%% voted, %.0f%% were needed", 100*r.Turnout, 100*r.Quorum)
	case r.Tie:
		return "Rejected: the leading options tied"
	case r.Winner >= 0 && r.Winner < len(p.Options):
		w := p.Options[r.Winner]
		if r.Status == govern.Passed {
			return fmt.Sprintf("Passed: “%s” won", w.Label)
		}
		if w.StatusQuo {
			return fmt.Sprintf("Rejected: most votes kept things as they are (“%s”)", w.Label)
		}
		return fmt.Sprintf("Rejected: “%s” led", w.Label)
	case r.Status == govern.Passed:
		return "Passed"
	}
	return "Rejected"
}
