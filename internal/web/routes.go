package web

import (
	"net/http"

	"github.com/allmende/allmende/internal/web/route"
)

// routes mounts every endpoint: the pages, the OpenAI-compatible
// endpoints, the JSON API — each registers its own — and the server's
// own. A handler's file follows from its route (DESIGN.md, "Where does a
// change go"); TestHandlersLiveWhereTheirRouteSays holds them to it.
func (s *Server) routes(mux route.Mux) {
	s.pages.Routes(mux)
	s.openai.Routes(mux)
	s.api.Routes(mux)

	// The public transparency log, per C2SP tlog-tiles.
	mux.Handle("GET /log/", route.New(s.logFiles, s.logFiles().ServeHTTP))

	// Operations.
	mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	// /metrics is not here: it is the operator's, served on --metrics-addr
	// (MetricsHandler).
}
