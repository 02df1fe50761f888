package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
)

func (s *Server) apiSignup(w http.ResponseWriter, r *http.Request) {
	var su member.SignUp
	if err := decodeJSON(w, r, &su); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.signins.allowSignIn(r, ""); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.Members.SignUp(r.Context(), su)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ownJSON(m))
}

type signinRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type sessionJSON struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	Member    memberJSON `json:"member"`
}

// apiSignin opens a session. The token comes back in the body, for programs
// that send it as a bearer token, and as a cookie, for browsers.
func (s *Server) apiSignin(w http.ResponseWriter, r *http.Request) {
	var req signinRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.signins.allowSignIn(r, strings.ToLower(strings.TrimSpace(req.Email))); err != nil {
		s.apiError(w, r, err)
		return
	}
	sess, err := s.Members.SignIn(r.Context(), req.Email, req.Password)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.setSessionCookie(w, r, sess)
	writeJSON(w, http.StatusCreated, sessionJSON{Token: sess.Token, ExpiresAt: sess.ExpiresAt, Member: ownJSON(sess.Member)})
}

func (s *Server) apiSignout(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Members.SignOut(r.Context(), sess.Token); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}
