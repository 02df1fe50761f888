package pages

import (
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
)

// The words of the governance safeguards, kept beside the others' maps
// rather than in them so that each stream adds its own.
func init() {
	phaseWords[govern.Cosigning] = "waiting for co-signers"
	eventWords[ledger.ChangeQueued] = "Change waiting in its timelock"
	eventWords[ledger.ChangeApplied] = "Change applied"
	eventWords[ledger.ChangeStopped] = "Change stopped"
	bindingParams = append(bindingParams,
		struct {
			Name  coop.Param
			Desc  string
			Words string
			Money bool
		}{coop.TimelockHours, "Hours a passed change waits before it applies", "the timelock", false},
		struct {
			Name  coop.Param
			Desc  string
			Words string
			Money bool
		}{coop.ProposalShares, "Governance shares a member needs to open a proposal alone", "the shares needed to propose alone", false},
		struct {
			Name  coop.Param
			Desc  string
			Words string
			Money bool
		}{coop.ProposalCosigners, "Co-signers a proposal by a member with fewer shares needs", "the co-signers a proposal needs", false},
	)
}

// changeStateWords says where a passed change stands.
var changeStateWords = map[govern.ChangeState]string{
	govern.Queued:  "Waiting in its timelock",
	govern.Applied: "Applied",
	govern.Stopped: "Stopped by a counter-proposal",
	govern.Void:    "Never applied",
}
