package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) invitationsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showInvitations(w, r, http.StatusOK, form{})
}

func (p *Pages) showInvitations(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Members.Invitations(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	type row struct {
		member.Invitation
		Status string
	}
	rows := make([]row, len(list))
	for i, inv := range list {
		rows[i] = row{inv, inv.Status(time.Now())}
	}
	return p.render(w, r, status, "invitations.html", "Invitations", map[string]any{
		"Invitations": rows, "Quota": sess.Member.InviteQuota, "Form": f, "SignupURL": "/signup?code=", "Pager": pagerFor(r, next),
	})
}
