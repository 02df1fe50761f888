package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// taskDecide is a steward's ruling on a held rejection or an appeal, from
// the reviews queue or (from=task) the task's own page.
func (p *Pages) taskDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	fromTask := r.PostForm.Get("from") == "task"
	if err := p.Work.Decide(r.Context(), sess.Member, id, r.PostForm.Get("decision") == "uphold", r.PostForm.Get("note")); err != nil {
		if fromTask {
			return againSummary(err, p.showTask, form{})
		}
		return againSummary(err, p.showReviews, form{})
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	return nil
}
