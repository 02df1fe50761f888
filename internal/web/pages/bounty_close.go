package pages

import (
	"fmt"
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// bountyClose ends a bounty early (its funder or a steward, as the bounty
// domain decides); the rest of its escrow goes back to the funder.
func (p *Pages) bountyClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := bountyID(r)
	if err != nil {
		return err
	}
	if _, err := p.Bounties.Close(r.Context(), sess.Member, id); err != nil {
		return againSummary(err, p.showBounty, form{})
	}
	http.Redirect(w, r, fmt.Sprintf("/bounties/%d", id), http.StatusSeeOther)
	return nil
}
