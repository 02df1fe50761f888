package model

import "github.com/allmende/allmende/internal/member"

// Who may do what with models is decided here, whichever door a request
// comes through: requesters and stewards register models (Create); only
// stewards record a client's deposit (Deposit), since a deposit is money
// entering the cooperative from outside; any member may hold API keys and
// call a model with them.

// MayBuild reports whether a member may register models.
func MayBuild(actor member.Member) bool {
	return actor.Role == member.RoleRequester || actor.IsSteward()
}
