package govern

import (
	"math"
	"slices"
	"time"

	"github.com/allmende/allmende/internal/coop"
)

// Ballot is one vote as it is counted: the option chosen and its weight.
type Ballot struct {
	Option int
	Weight float64
	// Delegated marks the weight of a member who did not vote, carried by
	// the voter they delegated to (see Carried).
	Delegated bool
}

// Weight is what the vote of a member holding shares weighs in mode: 1
// per member, the shares, or their square root (so 1, 4 and 9 shares
// weigh 1, 2 and 3).
func Weight(mode Mode, shares int64) float64 {
	switch mode {
	case PerShare:
		return float64(shares)
	case Quadratic:
		return math.Sqrt(float64(shares))
	}
	return 1
}

// OptionCount is one option's part of the count.
type OptionCount struct {
	Label     string  `json:"label"`
	Votes     int     `json:"votes"`
	Weight    float64 `json:"weight"`
	Value     *int64  `json:"value,omitempty"`
	StatusQuo bool    `json:"status_quo,omitempty"`
}

// Result is a proposal's published count: the proposal.decided event's
// content, and what the proposal shows once decided.
type Result struct {
	Status Status `json:"status"`
	// Winner is the index of the winning option, or -1 when the vote fell
	// short of its quorum or the leading options tied.
	Winner  int           `json:"winner"`
	Tie     bool          `json:"tie,omitempty"`
	Options []OptionCount `json:"options"`
	Voters  int           `json:"voters"`
	// Delegated is how many members who did not vote had their weight
	// carried by a delegate who did.
	Delegated int `json:"delegated,omitempty"`
	// Cast is the weight of all votes; Electorate the weight of everyone
	// who could vote, counted at the decision; Turnout is Cast/Electorate,
	// held against Quorum.
	Cast       float64 `json:"cast"`
	Electorate float64 `json:"electorate"`
	Turnout    float64 `json:"turnout"`
	Quorum     float64 `json:"quorum"`
	// Param, Previous and Applied say what a binding proposal that passed
	// changed.
	Param    coop.Param `json:"param,omitempty"`
	Previous *int64     `json:"previous,omitempty"`
	Applied  *int64     `json:"applied,omitempty"`
	// AppliesAt is when a passed binding change leaves its timelock.
	AppliesAt time.Time `json:"applies_at,omitzero"`
	// Note explains a result the numbers alone do not.
	Note string `json:"note,omitempty"`
}

// Tally counts ballots for options against an electorate of the given
// total weight. Below the quorum, nothing is decided (NoQuorum). Otherwise
// the option with the most weight wins: it passes, unless it is the
// status quo (Rejected). If the leading options tie, nothing changes
// (Rejected, no winner): a change needs more support than any
// alternative, and breaking a tie by the order of the options or by lot
// would let chance change the cooperative's rules.
func Tally(options []Option, quorum float64, ballots []Ballot, electorate float64) Result {
	r := Result{Winner: -1, Options: make([]OptionCount, len(options)), Electorate: electorate, Quorum: quorum}
	for i, o := range options {
		r.Options[i] = OptionCount{Label: o.Label, Value: o.Value, StatusQuo: o.StatusQuo}
	}
	for _, b := range ballots {
		if b.Option < 0 || b.Option >= len(options) {
			continue
		}
		r.Options[b.Option].Weight += b.Weight
		if b.Delegated {
			r.Delegated++
		} else {
			r.Options[b.Option].Votes++
			r.Voters++
		}
		r.Cast += b.Weight
	}
	if electorate > 0 {
		r.Turnout = r.Cast / electorate
	}
	if r.Turnout < quorum && !same(r.Turnout, quorum) {
		r.Status = NoQuorum
		return r
	}
	var leaders []int
	for i, o := range r.Options {
		switch {
		case len(leaders) == 0 || (o.Weight > r.Options[leaders[0]].Weight && !same(o.Weight, r.Options[leaders[0]].Weight)):
			leaders = []int{i}
		case same(o.Weight, r.Options[leaders[0]].Weight):
			leaders = append(leaders, i)
		}
	}
	if len(leaders) != 1 {
		r.Status, r.Tie = Rejected, true
		return r
	}
	r.Winner = leaders[0]
	if options[r.Winner].StatusQuo {
		r.Status = Rejected
	} else {
		r.Status = Passed
	}
	return r
}

// same reports whether two weights are equal but for floating-point
// rounding: square roots of shares added in different orders need not
// come out as exactly the same number.
func same(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Carried returns, for every member who did not vote but delegated, the
// voter who carries their weight: the first member who voted along their
// chain of delegates (delegateOf, already resolved for the proposal's
// topic). A member who voted is never carried — voting overrides one's
// delegate —, a member is carried at most once, so no weight is counted
// twice, and a chain that ends without a voter, or runs into a circle
// (which Delegate refuses to store), carries nobody.
func Carried(voted map[int64]bool, delegateOf map[int64]int64) map[int64]int64 {
	out := map[int64]int64{}
	members := make([]int64, 0, len(delegateOf))
	for m := range delegateOf {
		members = append(members, m)
	}
	slices.Sort(members)
	for _, m := range members {
		if voted[m] {
			continue
		}
		seen := map[int64]bool{m: true}
		for cur := m; ; {
			next, ok := delegateOf[cur]
			if !ok || seen[next] {
				break
			}
			if voted[next] {
				out[m] = next
				break
			}
			seen[next] = true
			cur = next
		}
	}
	return out
}
