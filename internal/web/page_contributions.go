package web

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) contributionsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showContributions(w, r, http.StatusOK, "")
}

func (s *Server) showContributions(w http.ResponseWriter, r *http.Request, status int, message string) {
	sess := currentSession(r)
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Datanets.History(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "contributions.html", "Your contributions", map[string]any{
		"Contributions": list, "Rows": contributionRows(list), "Added": r.URL.Query().Get("added"), "Message": message, "Pager": pagerFor(r, next),
	})
}

func (s *Server) contributionErase(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Datanets.Erase(r.Context(), sess.Member.ID, r.PathValue("id")); err != nil {
		if p, ok := problem.As(err); ok {
			s.showContributions(w, r, statusOf[p.Kind], p.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contributions", http.StatusSeeOther)
}

// contributionEraseAll asks the member to type ERASE, because it cannot be
// undone.
func (s *Server) contributionEraseAll(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if r.PostForm.Get("confirm") != "ERASE" {
		s.showContributions(w, r, http.StatusUnprocessableEntity, "Type ERASE to confirm: erasing all your data cannot be undone.")
		return
	}
	if _, err := s.eraseAll(r.Context(), sess.Member); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contributions", http.StatusSeeOther)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mimeParams(r *http.Request) (string, map[string]string, error) {
	return mime.ParseMediaType(r.Header.Get("Content-Type"))
}
