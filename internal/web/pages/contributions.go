package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) contributionsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showContributions(w, r, http.StatusOK, form{})
}

func (p *Pages) showContributions(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Datanets.History(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "contributions.html", "Your contributions", map[string]any{
		"Contributions": list, "Rows": contributionRows(list, p.money), "Appealed": r.URL.Query().Get("appealed"), "Waiting": r.URL.Query().Get("waiting"), "Added": r.URL.Query().Get("added"), "Erased": r.URL.Query().Get("erased") == "1", "Message": f.Message, "Pager": pagerFor(r, next),
	})
}
