package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

func (p *Pages) invitationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := p.Members.Revoke(r.Context(), sess.Member, r.PathValue("code")); err != nil {
		return again(err, p.showInvitations, form{})
	}
	http.Redirect(w, r, "/invitations", http.StatusSeeOther)
	return nil
}
