package web

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/problem"
)

// unmatched answers a request that no route serves the way the door it
// came to writes its errors — the not-found page in the layout, or the
// API's JSON problem under /api/ and /v1/ — instead of the mux's plain
// text. A path a route serves with another method still gets the mux's
// 405 with its Allow header.
func (s *Server) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" || servedOtherwise(mux, r) {
			mux.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/v1/") {
			s.api.Error(w, r, problem.New(problem.NotFound, "no API endpoint %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path))
			return
		}
		s.pages.Error(w, r, problem.New(problem.NotFound, "There is no page at %s. The link may be mistyped, or what it named is gone.", r.URL.Path))
	})
}

// servedOtherwise says whether a route serves r's path with another
// method.
func servedOtherwise(mux *http.ServeMux, r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		other := r.Clone(r.Context())
		other.Method = m
		if _, pattern := mux.Handler(other); pattern != "" {
			return true
		}
	}
	return false
}
