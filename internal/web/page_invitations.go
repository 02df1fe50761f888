package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) invitationsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showInvitations(w, r, sess, http.StatusOK, form{})
}

func (s *Server) showInvitations(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, f form) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Members.Invitations(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// Re-read the member: the quota in the session is as of sign-in.
	me, err := s.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	type row struct {
		member.Invitation
		Status string
	}
	rows := make([]row, len(list))
	for i, inv := range list {
		rows[i] = row{inv, inv.Status(time.Now())}
	}
	s.render(w, r, status, "invitations.html", "Invitations", map[string]any{
		"Invitations": rows, "Quota": me.InviteQuota, "Form": f, "SignupURL": "/signup?code=", "Pager": pagerFor(r, next),
	})
}

func (s *Server) invitationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	me, err := s.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if _, err := s.Members.Invite(r.Context(), me, member.Role(r.PostForm.Get("role"))); err != nil {
		if p, ok := problem.As(err); ok {
			s.showInvitations(w, r, sess, statusOf[p.Kind], form{Message: p.Message, Errors: p.Fields})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/invitations", http.StatusSeeOther)
}

func (s *Server) invitationRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Members.Revoke(r.Context(), sess.Member, r.PathValue("code")); err != nil {
		if p, ok := problem.As(err); ok {
			s.showInvitations(w, r, sess, statusOf[p.Kind], form{Message: p.Message})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/invitations", http.StatusSeeOther)
}
