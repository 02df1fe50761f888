package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
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
	// Each request's button, as the domain rules: a steward's own request
	// only while they are the only steward, and then said so.
	rows := make([]payoutRow, len(list))
	for i, po := range list {
		may, err := p.Reward.MayRecord(r.Context(), sess.Member, po)
		if err != nil {
			return err
		}
		rows[i] = payoutRow{Payout: po, Own: po.Member == sess.Member.PublicID, MayRecord: may}
	}
	return p.render(w, r, status, "payouts.html", "Payout requests", map[string]any{"Payouts": rows, "Message": f.Message, "Pager": pagerFor(r, next)})
}

// payoutRow is a waiting request as the stewards' list shows it.
type payoutRow struct {
	reward.Payout
	Own, MayRecord bool
}
