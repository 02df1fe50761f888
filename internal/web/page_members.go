package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showMembers(w, r, http.StatusOK, form{})
}

func (s *Server) showMembers(w http.ResponseWriter, r *http.Request, status int, f form) {
	sess := currentSession(r)
	if sess == nil {
		s.pageError(w, r, problem.New(problem.Unauthorized, "sign in first"))
		return
	}
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Members.List(r.Context(), sess.Member, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "members.html", "Members", map[string]any{"Members": list, "Form": f, "Pager": pagerFor(r, next)})
}

func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	var c member.Change
	if q := strings.TrimSpace(r.PostForm.Get("invite_quota")); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil {
			s.showMembers(w, r, http.StatusUnprocessableEntity, form{Message: "the invitation quota must be a whole number"})
			return
		}
		c.InviteQuota = &n
	}
	if role := r.PostForm.Get("role"); role != "" {
		rl := member.Role(role)
		c.Role = &rl
	}
	if _, err := s.Members.Update(r.Context(), sess.Member, r.PathValue("id"), c); err != nil {
		if p, ok := problem.As(err); ok {
			s.showMembers(w, r, statusOf[p.Kind], form{Message: p.Error()})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/members", http.StatusSeeOther)
}
