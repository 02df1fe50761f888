package pages

import (
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
)

// proposalCosign is a member co-signing a proposal that waits for
// co-signers; the last one opens it for voting.
func (p *Pages) proposalCosign(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	if _, err := p.Govern.Cosign(r.Context(), sess.Member, id, time.Now()); err != nil {
		return againSummary(err, p.showProposal, form{})
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d", id), http.StatusSeeOther)
	return nil
}
