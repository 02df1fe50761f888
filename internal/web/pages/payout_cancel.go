package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// payoutCancel is a member taking back their waiting payout request.
func (p *Pages) payoutCancel(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such payout request")
	if err != nil {
		return err
	}
	if err := p.Reward.CancelPayout(r.Context(), sess.Member, id); err != nil {
		return again(err, p.showEarnings, form{})
	}
	http.Redirect(w, r, "/earnings#payouts", http.StatusSeeOther)
	return nil
}
