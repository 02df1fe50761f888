package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// memberDeposit records a client's payment (stewards, as the model domain
// decides). The amount is typed in the cooperative's currency ("250.00"),
// as the pages show balances; a wrong one is shown beside that member's
// field with what was typed.
func (p *Pages) memberDeposit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	f := form{Values: map[string]string{"deposit_for": id, "amount": r.PostForm.Get("amount")}}
	amount, bad := money(p.currency(), r.PostForm.Get("amount"), 1, points.MaxDeposit)
	if bad != "" {
		return again(&problem.Error{Kind: problem.Invalid, Message: moneyRefusal("The deposit for "+id, bad),
			Fields: map[string]string{"amount": bad}}, p.showMembers, f)
	}
	if _, err := p.Models.Deposit(r.Context(), sess.Member, id, amount); err != nil {
		return againSummary(err, p.showMembers, f)
	}
	http.Redirect(w, r, "/members", http.StatusSeeOther)
	return nil
}
