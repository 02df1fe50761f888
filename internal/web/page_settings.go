package web

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// settingsPage lets a member choose how other members see them: by
// pseudonym only, or with a display name they make public.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.render(w, r, http.StatusOK, "settings.html", "Settings", form{Values: map[string]string{"display_name": sess.Member.DisplayName}})
}

func (s *Server) displayNameUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	name := r.PostForm.Get("display_name")
	if r.PostForm.Get("withdraw") != "" {
		name = ""
	}
	if _, err := s.Members.Update(r.Context(), sess.Member, sess.Member.PublicID, member.Change{DisplayName: &name}); err != nil {
		if p, ok := problem.As(err); ok {
			s.render(w, r, statusOf[p.Kind], "settings.html", "Settings", form{Values: map[string]string{"display_name": name}, Errors: p.Fields, Message: p.Message})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
