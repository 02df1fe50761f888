package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// delegationRevoke ends one of the member's delegations at once.
func (p *Pages) delegationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	topic, err := delegationTopic(r.PostForm.Get("topic"))
	if err != nil {
		return againSummary(err, p.showProposals, form{})
	}
	if err := p.Govern.Revoke(r.Context(), sess.Member, topic); err != nil {
		return againSummary(err, p.showProposals, form{})
	}
	http.Redirect(w, r, "/proposals#delegation", http.StatusSeeOther)
	return nil
}
