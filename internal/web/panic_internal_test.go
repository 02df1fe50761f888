package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// A handler that panics is answered 500 and logged by its route, never by
// its path: a path may hold a secret (a password reset link's token).
func TestPanicIsLoggedByRouteNotPath(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{Deps: Deps{Log: slog.New(slog.NewTextHandler(&logged, nil))}, metrics: newHTTPMetrics(prometheus.NewRegistry())}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /reset/{token}", func(http.ResponseWriter, *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	s.observe(mux, mux).ServeHTTP(rec, httptest.NewRequest("GET", "/reset/SECRET-TOKEN-123", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("a panic answered %d", rec.Code)
	}
	if out := logged.String(); strings.Contains(out, "SECRET-TOKEN-123") || !strings.Contains(out, "/reset/{token}") || !strings.Contains(out, "boom") {
		t.Errorf("the panic was logged as %q", out)
	}
}
