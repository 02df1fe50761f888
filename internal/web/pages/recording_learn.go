package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// recordingLearn learns an automation from this recording and others of
// the same task.
func (p *Pages) recordingLearn(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	pub, ids, f, err := learnForm(r, p.currency())
	if err != nil {
		return again(err, p.showRecording, f)
	}
	a, err := p.Actions.LearnAutomation(r.Context(), sess.Member, pub, ids)
	if err != nil {
		return again(err, p.showRecording, f)
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
