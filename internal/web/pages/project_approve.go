package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// projectApprove opens a draft project for work (stewards, as the work
// domain decides).
func (p *Pages) projectApprove(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := p.Work.Approve(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return again(err, p.showProject, form{})
	}
	http.Redirect(w, r, "/projects/"+r.PathValue("slug"), http.StatusSeeOther)
	return nil
}
