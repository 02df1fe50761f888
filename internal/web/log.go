package web

import "net/http"

// logFiles serves the transparency log under /log/. Without a log (tests
// of other parts) it answers 404.
func (s *Server) logFiles() http.Handler {
	if s.TLog == nil {
		return http.NotFoundHandler()
	}
	return http.StripPrefix("/log", s.TLog.Handler())
}
