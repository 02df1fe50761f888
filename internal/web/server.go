// Package web serves the cooperative: HTML pages for members, a JSON API
// under /api/v1 for programs, health and metrics for operators. It holds no
// business rules of its own; it authenticates, decodes, calls the domain
// packages, and maps their problems to HTTP in one place (errors.go).
package web

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/vault"
	"github.com/allmende/allmende/internal/work"
)

// Deps is what the web server needs from the rest of the cooperative.
type Deps struct {
	DB       *store.DB
	Blobs    *store.Blobs
	Members  *member.Service
	Datanets *datanet.Service
	Work     *work.Service
	Ledger   *ledger.Ledger
	Reward   *reward.Service
	Models   *model.Service
	Govern   *govern.Service
	Actions  *action.Service
	Params   *coop.Params
	// Vault seals what a page must hand back once (a new API key).
	Vault *vault.Vault
	// TLog is the public transparency log, served at /log/.
	TLog *tlog.Log
	Log  *slog.Logger
	// Registry receives the HTTP metrics; MetricsHandler serves it, on
	// the operator's address only.
	Registry *prometheus.Registry
	// SecureCookies forces the Secure flag on cookies even when the request
	// arrived over plain HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of the server: only
	// from a peer in them is X-Forwarded-For believed (clientaddr.go).
	TrustedProxies []netip.Prefix
}

// Server is the HTTP face of the cooperative.
type Server struct {
	Deps
	pages   *pages
	signins *limiter
	metrics *httpMetrics
	handler http.Handler
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{
		Deps:    d,
		pages:   loadPages(),
		signins: newLimiter(d.TrustedProxies),
		metrics: newHTTPMetrics(d.Registry),
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.middleware(mux)
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
