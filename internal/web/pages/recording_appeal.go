package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// recordingAppeal is the recorder's appeal against a refusal.
func (p *Pages) recordingAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if _, err := p.Actions.Appeal(r.Context(), sess.Member, r.PathValue("id"), r.PostForm.Get("reason")); err != nil {
		return p.recordingProblem(err)
	}
	http.Redirect(w, r, "/recordings/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
