package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// taskAppeal is a worker's appeal against a rejection.
func (p *Pages) taskAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	if err := p.Work.Appeal(r.Context(), sess.Member, id, r.PostForm.Get("text")); err != nil {
		return again(err, p.showTask, form{})
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
