package web

import (
	"context"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/web/response"
)

// healthz answers whether this replica can serve: it can reach its
// database. Load balancers and the demo's start-up wait use it. Its
// answer is for machines, not a problem for a person, so it writes its
// own 503.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var one int
	if err := s.DB.Read().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		s.Log.Error("health check", "err", err)
		response.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	response.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
