package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// datanetConsent grants, pauses, resumes or withdraws the member's
// consent to contribute.
func (p *Pages) datanetConsent(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if _, err := p.Datanets.ConsentAction(r.Context(), sess.Member.ID, r.PathValue("slug"), r.PostForm.Get("action")); err != nil {
		return again(err, p.showDatanet, form{})
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug"), http.StatusSeeOther)
	return nil
}
