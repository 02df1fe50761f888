package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// notificationDigest turns the member's daily e-mail digest of their news
// on (digest=on) or off; the work domain refuses "on" when the
// cooperative configured no e-mail.
func (p *Pages) notificationDigest(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if err := p.Work.SetDigest(r.Context(), sess.Member.ID, r.PostForm.Get("digest") == "on"); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard#notifications", http.StatusSeeOther)
	return nil
}
