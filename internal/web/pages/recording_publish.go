package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// recordingPublish offers a verified recording as an automation.
func (p *Pages) recordingPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	pub, f, err := publicationForm(r, p.currency())
	if err != nil {
		return again(err, p.showRecording, f)
	}
	a, err := p.Actions.Publish(r.Context(), sess.Member, r.PathValue("id"), pub)
	if err != nil {
		return again(err, p.showRecording, f)
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
	return nil
}
