package pages

import (
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
)

// bindingParams are the parameters a binding proposal may set, in the
// order the form offers them, with what they mean to a member.
var bindingParams = []struct {
	Name coop.Param
	Desc string
}{
	{coop.PayFloor, "Pay floor per hour of measured work, in points (100 = 1.00)"},
	{coop.ContributorShare, "Contributors' share of a model call's charge, in basis points (7000 = 70 %)"},
	{coop.TreasuryShare, "The cooperative's share of a model call's charge, in basis points"},
	{coop.PointsPerShare, "Points earned per governance share at an epoch close"},
	{coop.RecordingReward, "What a verified recording of browser work pays its recorder, in points"},
	{coop.AuthorShare, "The author's share of an automation run's price, in basis points (8000 = 80 %)"},
}

// paramValue writes a parameter's value the way a member reads it.
func paramValue(p coop.Param, v int64) string {
	switch p {
	case coop.PayFloor:
		return pointsStr(v) + " per hour"
	case coop.RecordingReward:
		return pointsStr(v) + " per recording"
	case coop.ContributorShare, coop.TreasuryShare, coop.AuthorShare:
		return fmt.Sprintf("%d.%02d %%", v/100, v%100)
	case coop.PointsPerShare:
		return fmt.Sprintf("1 share per %d points", v)
	}
	return strconv.FormatInt(v, 10)
}

var modeWords = map[govern.Mode]string{
	govern.PerMember: "one member, one vote",
	govern.PerShare:  "weighed by governance shares",
	govern.Quadratic: "weighed by the square root of governance shares",
}

// moment writes a time to the minute, in UTC, for deadlines.
func moment(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// outcome says in words how a decided proposal ended.
func outcome(p govern.Proposal) string {
	r := p.Result
	if r == nil {
		return ""
	}
	switch {
	case r.Status == govern.NoQuorum:
		return fmt.Sprintf("no quorum: %.0f%% voted, %.0f%% needed", 100*r.Turnout, 100*r.Quorum)
	case r.Tie:
		return "rejected: the leading options tied"
	case r.Winner >= 0 && r.Winner < len(p.Options):
		return fmt.Sprintf("%s: %s", r.Status, p.Options[r.Winner].Label)
	}
	return string(r.Status)
}
