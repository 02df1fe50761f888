package response

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// SetSession hands the browser its session. HttpOnly keeps it from
// scripts; SameSite=Lax keeps it off cross-site form posts (the CSRF check
// is the second line); Secure whenever the connection is, or secure says
// the server is behind TLS.
func SetSession(w http.ResponseWriter, r *http.Request, sess member.Session, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name:     request.SessionCookie,
		Value:    sess.Token,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		HttpOnly: true,
		Secure:   secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// ClearSession makes the browser forget its session.
func ClearSession(w http.ResponseWriter, r *http.Request, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name:     request.SessionCookie,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}
