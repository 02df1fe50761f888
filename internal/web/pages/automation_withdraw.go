package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationWithdraw takes the author's automation off the marketplace;
// its runs and reviews stay in the history.
func (p *Pages) automationWithdraw(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if err := p.Actions.Withdraw(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return err
	}
	http.Redirect(w, r, "/automations", http.StatusSeeOther)
	return nil
}
