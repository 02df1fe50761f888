package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// recordingDecide is a steward's review of a recording.
func (p *Pages) recordingDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	verified := r.PostForm.Get("decision") == "verified"
	if _, err := p.Actions.Decide(r.Context(), sess.Member, r.PathValue("id"), verified, r.PostForm.Get("reason")); err != nil {
		return p.recordingProblem(err)
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	return nil
}
