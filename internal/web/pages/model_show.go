package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) modelShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	m, top, err := p.Models.Profile(r.Context(), r.PathValue("slug"), 10)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "model.html", m.Name, map[string]any{"M": m, "Top": top, "Base": request.Base(r)})
}
