package pages

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
)

// bindingParams are the parameters a binding proposal may set, in the
// order the form offers them, with what they mean to a member and their
// name in a sentence. Amounts of money (Money) are typed in the
// cooperative's currency, as every page shows them; shares in basis points.
var bindingParams = []struct {
	Name  coop.Param
	Desc  string
	Words string
	Money bool
}{
	{coop.PayFloor, "Pay floor per hour of measured work", "the pay floor", true},
	{coop.ContributorShare, "Contributors' share of a model call's charge, in basis points (7000 = 70 %)", "the contributors' share of a model call", false},
	{coop.TreasuryShare, "The cooperative's share of a model call's charge, in basis points", "the treasury's share of a model call", false},
	{coop.PointsPerShare, "Earnings per governance share at an epoch close", "the earnings per governance share", true},
	{coop.RecordingReward, "What a verified recording of browser work pays its recorder", "the pay for a verified recording", true},
	{coop.AuthorShare, "The author's share of an automation run's price, in basis points (8000 = 80 %)", "the author's share of an automation run", false},
}

// moneyParam says whether a parameter is an amount of money, typed and
// shown in the cooperative's currency.
func moneyParam(p coop.Param) bool {
	for _, bp := range bindingParams {
		if bp.Name == p {
			return bp.Money
		}
	}
	return false
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
	case coop.TimelockHours:
		return strconv.FormatInt(v, 10) + " hour" + sOf(v)
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

// eventWords names each kind of ledger event for a page; its type (the
// log's own name, "task.paid") stays in the element's title for auditors.
var eventWords = map[ledger.Type]string{
	ledger.MemberJoined:         "Member joined",
	ledger.ContributionAccepted: "Contribution accepted",
	ledger.ContributionErased:   "Contribution erased",
	ledger.DatanetVersioned:     "Datanet version made",
	ledger.TaskPaid:             "Task paid",
	ledger.EscrowFunded:         "Project budget set aside",
	ledger.FundsDeposited:       "Money paid in",
	ledger.RewardSplit:          "Payment shared out",
	ledger.SharesIssued:         "Governance shares issued",
	ledger.VoteCast:             "Vote cast",
	ledger.ProposalDecided:      "Proposal decided",
	ledger.RecordingPaid:        "Recording paid",
	ledger.RunEscrowed:          "Automation run paid for",
	ledger.RunRefunded:          "Automation run refunded",
	ledger.ModelTrained:         "Model version trained",
	ledger.PayoutPaid:           "Paid out",
}

func eventName(t any) string {
	s := ledger.Type(fmt.Sprint(t))
	if w, ok := eventWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(string(s), ".", " ")
}

// scopeName writes what an event is about in words: "project 2" for
// project:2.
func scopeName(scope string) string {
	if scope == reward.SelfRecordedScope {
		return "recorded as paid by the member paid, the only steward"
	}
	kind, id, ok := strings.Cut(scope, ":")
	if !ok {
		return scope
	}
	return kind + " " + id
}

// accountName writes a ledger account in words: "project 2's escrow" for
// escrow:project:2, "member m-abc" for member:m-abc.
func accountName(account string) string {
	kind, rest, _ := strings.Cut(account, ":")
	switch kind {
	case "member":
		return "member " + rest
	case "escrow":
		return scopeName(rest) + "'s escrow"
	case "funding":
		_, who, ok := strings.Cut(rest, ":")
		if !ok {
			who = rest
		}
		return "paid in by " + who
	case "shares":
		return rest + "'s shares"
	case "issue":
		return "shares issued"
	case "treasury":
		return "the treasury"
	case "payouts":
		return "paid out"
	case "members":
		return "the members together"
	}
	return strings.ReplaceAll(account, ":", " ")
}

// taskTypeWords names a project's kind of task as the project form offers
// it.
var taskTypeWords = map[string]string{
	"bounding_box":         "bounding boxes on images",
	"polygon":              "polygons on images",
	"image_classification": "classify images",
	"text_classification":  "classify texts",
	"pairwise":             "pick the better of two answers",
}

func taskTypeName(t any) string {
	s := fmt.Sprint(t)
	if w, ok := taskTypeWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(s, "_", " ")
}
