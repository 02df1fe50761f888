package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationRun starts a run of an automation and opens its page.
func (p *Pages) automationRun(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	values := runForm(r)
	start := r.PostForm.Get("start")
	run, err := p.Actions.StartRunAt(r.Context(), sess.Member, r.PathValue("slug"), values, start)
	if err != nil {
		shown := map[string]string{"start": start}
		for k, v := range values {
			shown[k] = v
		}
		return &redo{err: err, show: p.showAutomation, form: form{Values: shown}, shows: found}
	}
	http.Redirect(w, r, "/runs/"+run.ID, http.StatusSeeOther)
	return nil
}
