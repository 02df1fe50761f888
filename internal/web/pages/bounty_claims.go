package pages

import (
	"fmt"
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// bountyClaims claims one of the member's units (unit=<id>) or every
// eligible one (all=1), and shows the bounty with what was paid.
func (p *Pages) bountyClaims(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := bountyID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	n := 1
	if r.PostForm.Get("all") != "" {
		claims, err := p.Bounties.ClaimEligible(r.Context(), sess.Member, id)
		if err != nil {
			return againSummary(err, p.showBounty, form{})
		}
		n = len(claims)
	} else if _, err := p.Bounties.Claim(r.Context(), sess.Member, id, r.PostForm.Get("unit")); err != nil {
		return againSummary(err, p.showBounty, form{})
	}
	http.Redirect(w, r, fmt.Sprintf("/bounties/%d?claimed=%d#your-claims", id, n), http.StatusSeeOther)
	return nil
}
