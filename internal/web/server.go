// Package web serves the cooperative over HTTP. It is the server and its
// mounts: the JSON API (web/api), the OpenAI-compatible endpoints
// (web/openai) and the HTML pages (web/pages), with the middleware every
// request goes through (panics, logs and metrics, security headers,
// cross-origin refusal, sessions, the text-path guard), /healthz, the
// transparency log at /log/, and the metrics handler for the operator.
// It holds no business rules: those are in the domain packages, and every
// error is written by response.Error (the API) or pages.Error (the pages)
// from the one status table in web/response.
package web

import (
	"net/http"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/allmende/allmende/internal/web/api"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/openai"
	"github.com/allmende/allmende/internal/web/pages"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/throttle"
)

// Deps is what the web server needs from the rest of the cooperative.
type Deps = deps.Deps

// Server is the HTTP face of the cooperative.
type Server struct {
	Deps
	api     *api.API
	openai  *openai.OpenAI
	pages   *pages.Pages
	metrics *httpMetrics
	handler http.Handler
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	// Sign-in attempts are counted together, whichever door they come
	// through and whichever replica serves them (in the database).
	signins := throttle.New(d.DB, d.TrustedProxies)
	s := &Server{
		Deps:    d,
		api:     api.New(d, signins),
		openai:  openai.New(d),
		pages:   pages.New(d, signins),
		metrics: newHTTPMetrics(d.Registry),
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.middleware(mux)
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ParseProxies reads the operator's list of trusted reverse proxies:
// addresses or CIDR prefixes separated by commas, e.g.
// "10.0.0.0/8,127.0.0.1".
func ParseProxies(s string) ([]netip.Prefix, error) { return request.ParseProxies(s) }
