package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/work"
)

// taskReturn gives an open task back (the worker does not want to do it):
// unpaid, its time recorded as unpaid time, the item back to other
// workers. The worker lands on the task list, to take another.
func (p *Pages) taskReturn(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if _, err := p.Work.GiveBack(r.Context(), sess.Member.ID, id, work.Return); err != nil {
		return againSummary(err, p.showTask, form{})
	}
	http.Redirect(w, r, "/work", http.StatusSeeOther)
	return nil
}
