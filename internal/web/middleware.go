package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
)

// middleware wraps the routes, outermost first: recover from panics, log
// and measure, set security headers, refuse cross-origin writes (CSRF),
// then find out who is asking.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, r, problem.New(problem.Forbidden, "cross-origin request refused: submit forms from this site"))
	}))
	h := s.unmatched(mux)
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
				// The route, not the path: a path may hold a secret (a
				// password reset link's token, an invitation code).
				_, route := mux.Handler(r)
				s.Log.Error("panic serving request", "method", r.Method, "route", route, "panic", p)
				if rec.status == 0 {
					// Plain text: after a panic, nothing that renders
					// is to be trusted with the answer.
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
		// 'wasm-unsafe-eval' lets pages compile WebAssembly (the privacy
		// module that redacts on the member's machine); it allows no
		// JavaScript eval.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// authenticate attaches the session, if any, from the session cookie or a
// bearer token. Requests without one go on anonymously; the handlers that
// need a member say so (their adapters in api and pages).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, fromCookie := request.Token(r)
		if token != "" {
			sess, err := s.Members.Authenticate(r.Context(), token)
			switch {
			case err == nil:
				r = request.WithSession(r, &sess)
			case problem.Is(err, problem.Unauthorized):
				if fromCookie {
					response.ClearSession(w, r, s.SecureCookies)
				}
			default:
				s.Log.Error("authenticate", "err", err)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// textPaths answers 404 for a path that holds a control character or
// invalid UTF-8: no slug, pseudonym or id contains one, and PostgreSQL
// refuses to even look such text up, which would be a 500.
func (s *Server) textPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if problem.LineProblem(r.URL.Path) == "" {
			next.ServeHTTP(w, r)
			return
		}
		s.refuse(w, r, problem.New(problem.NotFound, "nothing here has such a name"))
	})
}

// refuse writes the middleware's own refusals the way the door the
// request came to writes its errors: the API's error shape under /api/,
// a page elsewhere.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.api.Error(w, r, err)
		return
	}
	s.pages.Error(w, r, err)
}
