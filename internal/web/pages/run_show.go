package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// runShow is a run's page, which reloads itself while the run waits or
// plays.
func (p *Pages) runShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showRun(w, r, http.StatusOK, form{})
}

// showRun is the run's page; once a real run of the viewer's has
// finished, it carries the form to review it (or the review given).
func (p *Pages) showRun(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	if sess == nil {
		return problem.New(problem.Unauthorized, "sign in to see your runs")
	}
	run, err := p.Actions.GetRun(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	// Only the runner is given the output (GetRun): a steward looking at
	// the run is told so rather than that it showed nothing.
	data := map[string]any{"Run": run, "Waiting": run.Status == "queued" || run.Status == "running", "Form": f,
		"Runner": run.Runner == sess.Member.PublicID}
	// Its author does not review their own automation (Rate refuses it):
	// no form to offer them. A withdrawn automation is not found, and its
	// runs are still reviewed.
	own := false
	if a, err := p.Actions.AutomationFor(r.Context(), sess.Member, run.Automation); err == nil {
		own, data["Composed"] = a.Author == sess.Member.PublicID, a.Composed
	}
	if run.Runner == sess.Member.PublicID && !own && !run.Test && (run.Status == "ok" || run.Status == "failed") {
		rv, done, err := p.Actions.RatingOf(r.Context(), sess.Member, run.ID)
		if err != nil {
			return err
		}
		data["Reviewable"], data["Review"] = !done, rv
		if done {
			data["Reviewed"] = true
		}
	}
	return p.render(w, r, status, "run.html", "Run of "+run.Title, data)
}
