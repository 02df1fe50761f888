package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) automationsPage(w http.ResponseWriter, r *http.Request) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Actions.Automations(r.Context(), page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "automations.html", "Automations", map[string]any{"Automations": list, "Pager": pagerFor(r, next)})
}
