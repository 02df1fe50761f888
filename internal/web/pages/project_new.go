package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/work"
)

// errNotRequester is why a member who may not request projects is not
// shown the form; Create refuses them on its own.
var errNotRequester = problem.New(problem.Forbidden, "only requesters create projects")

func (p *Pages) projectNew(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !work.MayRequest(sess.Member) {
		return errNotRequester
	}
	return p.showProjectForm(w, r, http.StatusOK, form{Values: map[string]string{
		"redundancy": "3", "est_seconds": "60", "gold_rate": "0.1", "review_hours": "72", "min_gold_accuracy": "0.7", "max_reject_share": "0.1"}})
}

func (p *Pages) showProjectForm(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "project_new.html", "New project", f)
}
