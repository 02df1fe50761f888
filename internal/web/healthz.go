package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers whether this replica can serve: it can reach its
// database. Load balancers and the demo's start-up wait use it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var one int
	if err := s.DB.Read().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		s.Log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
