package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// receiptsPage lists every payment into the member's account, newest
// first, each with its receipt to download once the log has it.
func (p *Pages) receiptsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Reward.Receipts(r.Context(), sess.Member, sess.Member.PublicID, page)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "receipts.html", "Receipts", map[string]any{"Receipts": list, "Pager": pagerFor(r, next), "Base": request.Base(r)})
}
