// Package openai serves the OpenAI-compatible endpoints, so that any
// OpenAI client library works with the cooperative's models: a client
// authenticates with an API key, and every answer carries an
// allmende_attribution object. GET /v1/models is in models.go,
// POST /v1/chat/completions in chat.go. Errors are written by
// response.Error in the API's one shape.
package openai

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

// OpenAI is the OpenAI-compatible face of the cooperative's models.
type OpenAI struct {
	deps.Deps
}

// New is the endpoints over the cooperative's services.
func New(d deps.Deps) *OpenAI { return &OpenAI{Deps: d} }

// Routes registers the endpoints.
func (o *OpenAI) Routes(mux route.Mux) {
	mux.Handle("GET /v1/models", o.client(o.modelList))
	mux.Handle("POST /v1/chat/completions", o.client(o.chatCompletion))
}

// client adapts an endpoint for a client with an API key, and writes the
// error the endpoint returns.
func (o *OpenAI) client(h func(http.ResponseWriter, *http.Request, model.Client) error) route.Handler {
	return route.New(h, func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		c, err := o.Models.Authenticate(r.Context(), strings.TrimSpace(token))
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			response.Error(o.Log, w, r, err)
		}
	})
}
