package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// automationTestRun starts the author's free test run on the samples in
// the server's sandbox and opens the run's page.
func (p *Pages) automationTestRun(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	run, err := p.Actions.TestRun(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return &redo{err: err, show: p.showAutomation, form: form{Values: map[string]string{"panel": "market"}}, shows: found, summary: true}
	}
	http.Redirect(w, r, "/runs/"+run.ID, http.StatusSeeOther)
	return nil
}
