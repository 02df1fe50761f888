package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
)

// workNext gives the worker a task from a project and opens it.
func (p *Pages) workNext(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	a, err := p.Work.Next(r.Context(), sess.Member.ID, r.PathValue("slug"))
	if err != nil {
		return again(err, p.showWork, form{})
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}
