package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

// middleware wraps the routes, outermost first: recover from panics, log
// and measure, set security headers, refuse cross-origin writes (CSRF),
// then find out who is asking.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := problem.New(problem.Forbidden, "cross-origin request refused: submit forms from this site")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiError(w, r, err)
			return
		}
		s.pageError(w, r, err)
	}))
	var h http.Handler = mux
	h = s.textPaths(h)
	h = s.authenticate(h)
	h = unlessBearer(csrf.Handler(h), h)
	h = securityHeaders(h)
	h = s.observe(mux, h)
	return h
}

// unlessBearer skips the cross-origin check for requests that carry their
// credentials in an Authorization header (programs, the recorder
// extension): such a request ignores the session cookie, and another site
// cannot make a browser add the header, so it cannot be forged.
func unlessBearer(checked, plain http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			plain.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler wrote, for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request and counts it by route pattern — never by raw
// path, whose ids would make the metric unbounded, and never with the query
// string or headers, which may carry secrets.
func (s *Server) observe(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.Log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				if rec.status == 0 {
					http.Error(rec, "internal error", http.StatusInternalServerError)
				}
			}
			_, pattern := mux.Handler(r)
			if pattern == "" {
				pattern = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observe(pattern, r.Method, rec.status, elapsed)
			s.Log.Debug("request", "method", r.Method, "route", pattern, "status", rec.status, "ms", elapsed.Milliseconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type sessionKey struct{}

// authenticate attaches the session, if any, from the session cookie or a
// bearer token. Requests without one go on anonymously; handlers that need
// a member say so (memberPage, apiMember).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, fromCookie := sessionToken(r)
		if token != "" {
			sess, err := s.Members.Authenticate(r.Context(), token)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, &sess))
			case problem.Is(err, problem.Unauthorized):
				if fromCookie {
					s.clearSessionCookie(w, r)
				}
			default:
				s.Log.Error("authenticate", "err", err)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func sessionToken(r *http.Request) (token string, fromCookie bool) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

func currentSession(r *http.Request) *member.Session {
	s, _ := r.Context().Value(sessionKey{}).(*member.Session)
	return s
}

// memberPage wraps a page that needs a signed-in member: others are sent to
// sign in and brought back afterwards.
func (s *Server) memberPage(h func(http.ResponseWriter, *http.Request, *member.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := currentSession(r)
		if sess == nil {
			next := r.URL.Path
			if r.Method != http.MethodGet {
				next = "/dashboard"
			}
			http.Redirect(w, r, "/signin?next="+urlQueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r, sess)
	}
}

// stewardPage wraps a page only stewards may see.
func (s *Server) stewardPage(h func(http.ResponseWriter, *http.Request, *member.Session)) http.HandlerFunc {
	return s.memberPage(func(w http.ResponseWriter, r *http.Request, sess *member.Session) {
		if !sess.Member.IsSteward() {
			s.pageError(w, r, problem.New(problem.Forbidden, "only stewards can see this page"))
			return
		}
		h(w, r, sess)
	})
}

// apiAnyone wraps a public API endpoint; the session is nil for anonymous
// callers.
func (s *Server) apiAnyone(h func(http.ResponseWriter, *http.Request, *member.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(w, r, currentSession(r)) }
}

// apiMember wraps an API endpoint that needs a signed-in member.
func (s *Server) apiMember(h func(http.ResponseWriter, *http.Request, *member.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := currentSession(r)
		if sess == nil {
			s.apiError(w, r, problem.New(problem.Unauthorized, "sign in first: POST /api/v1/sessions, then send the token as 'Authorization: Bearer <token>'"))
			return
		}
		h(w, r, sess)
	}
}

// apiMemberOrKey is apiMember that also accepts a member's API key (the
// personal token the recorder extension uploads with) in place of a session.
func (s *Server) apiMemberOrKey(h func(http.ResponseWriter, *http.Request, *member.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sess := currentSession(r); sess != nil {
			h(w, r, sess)
			return
		}
		token, _ := sessionToken(r)
		if !strings.HasPrefix(token, model.KeyPrefix) {
			s.apiMember(h)(w, r)
			return
		}
		c, err := s.Models.Authenticate(r.Context(), token)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		m, err := s.Members.ByPublicID(r.Context(), c.PublicID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		h(w, r, &member.Session{Member: m})
	}
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(d.Seconds() + 0.999)) }

// textPaths answers 404 for a path that holds a control character or
// invalid UTF-8: no slug, pseudonym or id contains one, and PostgreSQL
// refuses to even look such text up, which would be a 500.
func (s *Server) textPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if problem.LineProblem(r.URL.Path) == "" {
			next.ServeHTTP(w, r)
			return
		}
		err := problem.New(problem.NotFound, "nothing here has such a name")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiError(w, r, err)
			return
		}
		s.pageError(w, r, err)
	})
}
