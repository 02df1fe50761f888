package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationListing lists the author's automation in the marketplace; the
// page says why not while no test run of its version has succeeded.
func (p *Pages) automationListing(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	a, err := p.Actions.List(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return &redo{err: err, show: p.showAutomation, form: form{Values: map[string]string{"panel": "market"}}, shows: found}
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
