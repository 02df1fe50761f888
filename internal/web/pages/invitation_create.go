package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) invitationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	// The session's member was read with the session, on this request:
	// the role and quota are current.
	if _, err := p.Members.Invite(r.Context(), sess.Member, member.Role(r.PostForm.Get("role"))); err != nil {
		return again(err, p.showInvitations, form{})
	}
	http.Redirect(w, r, "/invitations", http.StatusSeeOther)
	return nil
}
