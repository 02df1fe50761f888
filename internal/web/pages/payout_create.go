package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// payoutCreate is a member asking for some of their balance to be paid
// out. The amount is typed as money ("12.50"), the way pages show it; the
// domain decides whether it may be paid.
func (p *Pages) payoutCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: map[string]string{"amount": r.PostForm.Get("amount")}}
	amount, err := p.currency().Parse(r.PostForm.Get("amount"))
	if err != nil {
		return again(&problem.Error{Kind: problem.Invalid, Message: moneyRefusal("The payout", err.Error()),
			Fields: map[string]string{"amount": err.Error()}}, p.showEarnings, f)
	}
	if _, err := p.Reward.RequestPayout(r.Context(), sess.Member, sess.Member.PublicID, amount); err != nil {
		return again(err, p.showEarnings, f)
	}
	http.Redirect(w, r, "/earnings#payouts", http.StatusSeeOther)
	return nil
}
