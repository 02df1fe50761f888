package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/allmende/allmende/internal/member"
)

const sessionCookie = "allmende_session"

// setSessionCookie hands the browser its session. HttpOnly keeps it from
// scripts; SameSite=Lax keeps it off cross-site form posts (the CSRF check
// is the second line); Secure whenever the connection is, or is declared to
// be behind TLS.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, sess member.Session) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    sess.Token,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		HttpOnly: true,
		Secure:   s.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext accepts only a path on this site as a place to return to after
// signing in, so the sign-in page cannot be used to send people elsewhere.
func safeNext(next string) string {
	if len(next) < 1 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/dashboard"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/dashboard"
	}
	return next
}
