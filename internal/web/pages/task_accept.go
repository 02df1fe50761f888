package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// taskAccept is a requester accepting an answer from the task's page,
// which pays it now instead of when the review window closes.
func (p *Pages) taskAccept(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	if err := p.Work.Accept(r.Context(), sess.Member, id); err != nil {
		return againSummary(err, p.showTask, form{})
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
