package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) datanetsPage(w http.ResponseWriter, r *http.Request) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	rows, next, err := p.Datanets.Overviews(r.Context(), datanet.Filter{}, page)
	if err != nil {
		return err
	}
	mayCreate := false
	if sess := request.Session(r); sess != nil {
		mayCreate = datanet.MayCreate(sess.Member)
	}
	return p.render(w, r, http.StatusOK, "datanets.html", "Datanets", map[string]any{"Datanets": rows, "MayCreate": mayCreate, "Pager": pagerFor(r, next)})
}
