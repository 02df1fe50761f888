package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
)

// homeDatanets is how many of the newest datanets the home page shows.
const homeDatanets = 12

func (p *Pages) homePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	members, err := p.Members.Count(ctx)
	if err != nil {
		return err
	}
	datanets, _, err := p.Datanets.List(ctx, datanet.Filter{}, store.Page{Limit: homeDatanets})
	if err != nil {
		return err
	}
	allDatanets, err := p.Datanets.Total(ctx)
	if err != nil {
		return err
	}
	_, projects, err := p.Work.Open(ctx, 0)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "home.html", "A cooperative for data work", map[string]any{
		"Members": members, "Datanets": datanets, "DatanetCount": allDatanets, "ProjectCount": projects,
	})
}
