package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// payoutsPage is the stewards' list of payout requests waiting, oldest
// first: each is paid outside the system and then recorded here.
func (p *Pages) payoutsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showPayouts(w, r, http.StatusOK, form{})
}

func (p *Pages) showPayouts(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, next, err := p.Reward.PendingPayouts(r.Context(), sess.Member, page)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "payouts.html", "Payout requests", map[string]any{"Payouts": list, "Message": f.Message, "Pager": pagerFor(r, next)})
}
