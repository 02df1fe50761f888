package ledger

// ContributionPaid pays a contribution to a curated datanet on its
// acceptance (by a curator, or by a steward overturning a rejection): the
// datanet creator's funding account down, the contributor's account up,
// by the datanet's reward per record. Its content names the contribution;
// a contribution is paid by at most one such event.
const ContributionPaid Type = "contribution.paid"

func init() { knownTypes[ContributionPaid] = true }
