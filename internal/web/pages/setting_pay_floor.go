package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// settingPayFloor lets stewards set the pay floor until governance does.
// The floor is typed as money an hour ("15.00"), the way every page shows
// it, and kept in points.
func (p *Pages) settingPayFloor(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	v, err := p.currency().Parse(r.PostForm.Get("pay_floor"))
	if err != nil {
		return againSummary(&problem.Error{Kind: problem.Invalid, Message: "The pay floor is not an amount of money an hour.",
			Fields: map[string]string{"pay_floor": err.Error()}}, p.showReviews, form{})
	}
	if err := p.Work.SetPayFloor(r.Context(), sess.Member, v); err != nil {
		return again(err, p.showReviews, form{})
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	return nil
}
