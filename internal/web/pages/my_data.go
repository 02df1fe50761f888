package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// myDataPage is "where my data went": each record that models used, how
// often, and what it earned.
func (p *Pages) myDataPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Models.WhereMyDataWent(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "mydata.html", "Where my data went", map[string]any{"Records": list, "Pager": pagerFor(r, next)})
}
