package request

import (
	"context"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/member"
)

// SessionCookie is the cookie a browser's session token lives in.
const SessionCookie = "allmende_session"

type sessionKey struct{}

// WithSession is r carrying the session the middleware found for it.
func WithSession(r *http.Request, s *member.Session) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
}

// Session is the session of a signed-in member, or nil.
func Session(r *http.Request) *member.Session {
	s, _ := r.Context().Value(sessionKey{}).(*member.Session)
	return s
}

// Token is the credential a request carries: a bearer token from the
// Authorization header (programs, the recorder extension) or else the
// session cookie (browsers).
func Token(r *http.Request) (token string, fromCookie bool) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}
