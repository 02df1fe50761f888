package web

import (
	"net/http"
	"strings"
	"testing"
)

// recordingMux collects the patterns registered on it.
type recordingMux struct {
	patterns []string
}

func (m *recordingMux) HandleFunc(p string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, p)
}
func (m *recordingMux) Handle(p string, h http.Handler) { m.patterns = append(m.patterns, p) }

// APIRoutes returns every "METHOD /api/v1/..." pattern the server registers.
func APIRoutes(t *testing.T) []string {
	s := &Server{}
	m := &recordingMux{}
	s.routes(m)
	var out []string
	for _, p := range m.patterns {
		if method, path, ok := strings.Cut(p, " "); ok && (strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/v1/")) {
			out = append(out, method+" "+path)
		}
	}
	return out
}
