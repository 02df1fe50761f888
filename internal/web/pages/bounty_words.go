package pages

import "github.com/allmende/allmende/internal/ledger"

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
