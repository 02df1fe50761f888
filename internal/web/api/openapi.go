package api

import (
	_ "embed"
	"net/http"

	"github.com/allmende/allmende/internal/web/route"
)

// openapiDoc describes the JSON API. It is written by hand next to the
// routes; TestOpenAPIListsEveryRoute keeps the two in step.
//
//go:embed openapi.json
var openapiDoc []byte

func (a *API) openapi(mux route.Mux) {
	mux.Handle("GET /api/v1/openapi.json", a.public(a.openapiShow))
}

func (a *API) openapiShow(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiDoc)
	return nil
}
