package pages

import (
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/ledger"
)

// The bounty events in words, as eventWords names the others.
func init() {
	eventWords[ledger.BountyFunded] = "Bounty funded"
	eventWords[ledger.BountyPaid] = "Bounty paid"
	eventWords[ledger.BountyRefunded] = "Bounty refunded"
}

// bountyKindWords say what each kind of bounty pays for, in the form and
// the lists.
var bountyKindWords = map[string]string{
	"recordings": "Recordings of a task on a site",
	"records":    "Records for a datanet",
	"annotation": "Annotation of a project",
}

// bountyVerifyWords name each way of verifying a unit in the form's choice.
var bountyVerifyWords = map[bounty.Verify]string{
	bounty.VerifyChecks:     "The behaviour checks of every upload",
	bounty.VerifyApproval:   "The behaviour checks, then I accept each claim",
	bounty.VerifyIntake:     "The datanet's intake checks",
	bounty.VerifyCuration:   "The datanet's curators (curated datanets only)",
	bounty.VerifyAcceptance: "The project's acceptance of the task",
	bounty.VerifyAgreement:  "Acceptance, and agreement with the item's other answers or gold",
}
