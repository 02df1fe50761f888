package openai

import (
	"net/http"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/response"
)

// modelList lists the models (GET /v1/models).
func (o *OpenAI) modelList(w http.ResponseWriter, r *http.Request, _ model.Client) error {
	// OpenAI's list has no pages: the newest store.MaxLimit models.
	list, _, err := o.Models.List(r.Context(), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	data := make([]map[string]any, len(list))
	for i, m := range list {
		data[i] = map[string]any{"id": m.Slug, "object": "model", "created": m.CreatedAt.Unix(), "owned_by": m.Owner}
	}
	response.JSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	return nil
}
