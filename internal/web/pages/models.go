package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) modelsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Models.List(r.Context(), page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "models.html", "Models", map[string]any{"Models": list, "MayBuild": model.MayBuild(sess.Member), "Pager": pagerFor(r, next)})
}
