package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/work"
)

// tasksPage is "My tasks": the worker's own tasks, newest first, each with
// where it stands (in progress, submitted, held, under review, paid,
// rejected with its reason and an appeal, given back) and a link to the
// work; ?state= shows one state.
func (p *Pages) tasksPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	st := r.URL.Query().Get("state")
	list, next, err := p.Work.MyTasks(r.Context(), sess.Member.ID, st, page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "tasks.html", "My tasks", map[string]any{
		"Tasks": list, "State": st, "States": work.States, "Pager": pagerFor(r, next),
	})
}
