package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationSamples saves the author's sample values (fields sample_<name>)
// that test runs use: a new version, to be tested before it is listed.
func (p *Pages) automationSamples(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	samples, f := samplesForm(r)
	slug := r.PathValue("slug")
	if _, err := p.Actions.SetSamples(r.Context(), sess.Member, slug, samples); err != nil {
		return &redo{err: err, show: p.showAutomation, form: f, shows: found}
	}
	http.Redirect(w, r, "/automations/"+slug+"#market", http.StatusSeeOther)
	return nil
}
