package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// settingPayFloor lets stewards set the pay floor until governance does.
func (p *Pages) settingPayFloor(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	v, err := strconv.ParseInt(r.PostForm.Get("pay_floor"), 10, 64)
	if err != nil {
		return again(problem.New(problem.Invalid, "The pay floor is a whole number of points per hour."), p.showReviews, form{})
	}
	if err := p.Work.SetPayFloor(r.Context(), sess.Member, v); err != nil {
		return again(err, p.showReviews, form{})
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	return nil
}
