package web

import (
	_ "embed"
	"net/http"
)

// openapiDoc describes the JSON API. It is written by hand next to the
// routes; TestOpenAPIListsEveryRoute keeps the two in step.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiDoc)
}
