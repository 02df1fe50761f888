package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

func (p *Pages) recordingErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := p.Actions.Erase(r.Context(), sess.Member, r.PathValue("id")); err != nil {
		return p.recordingProblem(err)
	}
	http.Redirect(w, r, "/recordings", http.StatusSeeOther)
	return nil
}
