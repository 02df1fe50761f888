package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// payoutPaid is a steward recording that they paid a member's request:
// the domain moves the amount out of the member's account in a ledger
// event, or refuses.
func (p *Pages) payoutPaid(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := request.Number(r, "id", "no such payout request")
	if err != nil {
		return err
	}
	if _, err := p.Reward.RecordPayout(r.Context(), sess.Member, id); err != nil {
		return againSummary(err, p.showPayouts, form{})
	}
	http.Redirect(w, r, "/payouts", http.StatusSeeOther)
	return nil
}
