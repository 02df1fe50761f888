package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/work"
)

// taskSkip gives an open task back (an item the worker cannot answer):
// unpaid, its time recorded as unpaid time, the item back to other
// workers. The worker lands on the task list, to take another.
func (p *Pages) taskSkip(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if _, err := p.Work.GiveBack(r.Context(), sess.Member.ID, id, work.Skip); err != nil {
		return againSummary(err, p.showTask, form{})
	}
	http.Redirect(w, r, "/work", http.StatusSeeOther)
	return nil
}
