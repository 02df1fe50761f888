package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// recordingCreate takes a recording uploaded from the recordings page.
func (p *Pages) recordingCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	body, datanet, err := recordingForm(w, r)
	if err != nil {
		return again(err, p.showRecordings, form{})
	}
	rec, err := p.Actions.Upload(r.Context(), sess.Member, body, datanet)
	if err != nil {
		return again(err, p.showRecordings, form{})
	}
	http.Redirect(w, r, "/recordings/"+rec.ID, http.StatusSeeOther)
	return nil
}
