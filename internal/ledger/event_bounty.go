package ledger

// The bounty events (issue 17, internal/bounty). Their names are part of
// the log format, as those in event.go: never rename one. Each names the
// bounty as its scope ("bounty:<id>"); none publishes which unit was paid.
const (
	// BountyFunded moves a bounty's budget from its funder's funding
	// account into the bounty's escrow when the bounty opens.
	BountyFunded Type = "bounty.funded"
	// BountyPaid pays one accepted unit's reward from the bounty's escrow
	// to the member who delivered it; the unit is in the private content.
	BountyPaid Type = "bounty.paid"
	// BountyRefunded returns what is left in a closed bounty's escrow to
	// its funder, once.
	BountyRefunded Type = "bounty.refunded"
)

func init() {
	knownTypes[BountyFunded] = true
	knownTypes[BountyPaid] = true
	knownTypes[BountyRefunded] = true
}
