package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// memberDeposit records a client's payment (stewards, as the model domain
// decides).
func (p *Pages) memberDeposit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	amount, err := strconv.ParseInt(r.PostForm.Get("amount"), 10, 64)
	if err != nil {
		return again(problem.New(problem.Invalid, "the deposit is a whole number of points"), p.showMembers, form{})
	}
	if _, err := p.Models.Deposit(r.Context(), sess.Member, r.PathValue("id"), amount); err != nil {
		return againSummary(err, p.showMembers, form{})
	}
	http.Redirect(w, r, "/members", http.StatusSeeOther)
	return nil
}
