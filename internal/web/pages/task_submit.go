package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) taskSubmit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	answer, err := answerForm(r)
	if err != nil {
		return again(err, p.showTask, form{})
	}
	t, err := p.Work.Submit(r.Context(), sess.Member.ID, id, answer)
	if err != nil {
		return again(err, p.showTask, form{})
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10)+"?done=1", http.StatusSeeOther)
	return nil
}
