package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// runShow is a run's page, which reloads itself while the run waits or
// plays.
func (p *Pages) runShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	run, err := p.Actions.GetRun(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "run.html", "Run of "+run.Title, map[string]any{"Run": run, "Waiting": run.Status == "queued" || run.Status == "running"})
}
