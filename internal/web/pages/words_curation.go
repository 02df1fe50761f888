package pages

import "github.com/allmende/allmende/internal/ledger"

// The curated datanets' ledger event, named for pages as eventWords names
// the others.
func init() { eventWords[ledger.ContributionPaid] = "Contribution paid on acceptance" }
