package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// bountiesPage lists the bounties, newest first; ?datanet= and ?project=
// narrow it to one datanet's or project's, as their pages link.
func (p *Pages) bountiesPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := bounty.Filter{Datanet: q.Get("datanet"), Project: q.Get("project")}
	list, next, err := p.Bounties.List(r.Context(), f, page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "bounties.html", "Bounties", map[string]any{
		"Bounties": list, "Kinds": bountyKindWords, "MayFund": bounty.MayFundFromBalance(sess.Member), "Filter": f, "Pager": pagerFor(r, next)})
}
