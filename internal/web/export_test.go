package web

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/web/route"
)

// Routes returns every route the server registers, with its handler.
func Routes(t *testing.T) []route.Route {
	t.Helper()
	m := &route.Recorder{}
	New(Deps{}).routes(m)
	return m.Routes
}

// APIRoutes returns every "METHOD /api/v1/..." and "METHOD /v1/..."
// pattern the server registers.
func APIRoutes(t *testing.T) []string {
	var out []string
	for _, r := range Routes(t) {
		if method, path, ok := strings.Cut(r.Pattern, " "); ok && (strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/v1/")) {
			out = append(out, method+" "+path)
		}
	}
	return out
}
