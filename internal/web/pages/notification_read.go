package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

// notificationRead marks the member's news on the dashboard as read: the
// next list starts from now.
func (p *Pages) notificationRead(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := p.Work.MarkNoticesRead(r.Context(), sess.Member.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	return nil
}
