package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// recordingOffer lets learned automations use the member's verified
// recording as a demonstration.
func (p *Pages) recordingOffer(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	rec, err := p.Actions.Offer(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return againSummary(err, p.showRecording, form{})
	}
	http.Redirect(w, r, "/recordings/"+rec.ID, http.StatusSeeOther)
	return nil
}
