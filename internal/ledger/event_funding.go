package ledger

// The events of members funding a model together (model/funding.go). Their
// names are part of the log format, as those in event.go: never rename one.
const (
	// FundingOpened publishes a funding round's terms — goal, the
	// builder's stated costs, the funders' share of each later call, the
	// deadline and the datanet versions the model is to be trained on —
	// before anyone pledges; it moves no points. Scope: the model.
	FundingOpened Type = "funding.opened"
	// FundingPledged moves a member's pledge from their account into the
	// round's escrow (escrow:funding:<id>). Scope: the round.
	FundingPledged Type = "funding.pledged"
	// FundingMet closes a round that met its goal: the escrow pays the
	// builder's stated costs and returns the rest to the funders pro rata
	// to their pledges; from then on the model's calls pay the funders in
	// their reward.split. Scope: the round.
	FundingMet Type = "funding.met"
	// FundingRefunded closes a round that missed its goal at its deadline:
	// the escrow returns every pledge to its funder, once. Scope: the
	// round.
	FundingRefunded Type = "funding.refunded"
)

func init() {
	knownTypes[FundingOpened] = true
	knownTypes[FundingPledged] = true
	knownTypes[FundingMet] = true
	knownTypes[FundingRefunded] = true
}
