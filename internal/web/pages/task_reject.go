package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// taskReject is a requester's rejection of an answer, sent from the
// project's page or (from=task) the task's own page, where its problem is
// shown.
func (p *Pages) taskReject(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	slug := r.PostForm.Get("project")
	fromTask := r.PostForm.Get("from") == "task"
	if _, err := p.Work.Reject(r.Context(), sess.Member, id, r.PostForm.Get("kind"), r.PostForm.Get("reason")); err != nil {
		if fromTask {
			return againSummary(err, p.showTask, form{})
		}
		r.SetPathValue("slug", slug)
		return againSummary(err, p.showProject, form{})
	}
	if fromTask {
		http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/projects/"+slug, http.StatusSeeOther)
	return nil
}
