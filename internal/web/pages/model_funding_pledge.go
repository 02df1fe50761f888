package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// modelFundingPledge pledges from the member's balance to the model's open
// round; a refusal (too much, the round closed meanwhile) is shown beside
// the pledge form.
func (p *Pages) modelFundingPledge(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	amount, f, err := pledgeForm(r, p.currency())
	if err != nil {
		return again(err, p.showModel, f)
	}
	if _, err := p.Models.Pledge(r.Context(), sess.Member, r.PathValue("slug"), amount); err != nil {
		return again(err, p.showModel, f)
	}
	http.Redirect(w, r, "/models/"+r.PathValue("slug")+"#funding", http.StatusSeeOther)
	return nil
}
