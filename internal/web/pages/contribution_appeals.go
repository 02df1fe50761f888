package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionAppeals lists, to stewards, the appeals against curators'
// rejections, each with the record, the reason, the appeal and the form
// to rule.
func (p *Pages) contributionAppeals(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showAppeals(w, r, http.StatusOK, form{})
}

func (p *Pages) showAppeals(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	list, total, err := p.Datanets.Appeals(r.Context(), sess.Member, datanet.MaxQueue)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "contribution_appeals.html", "Appeals against curators", map[string]any{
		"Appeals": list, "Total": total, "Form": f, "Ruled": r.URL.Query().Get("ruled"),
	})
}
