package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// runReview is the runner's rating and review of their finished run, once.
func (p *Pages) runReview(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	v := fields(r.PostForm.Get, "rating", "body")
	rating, _ := strconv.Atoi(v["rating"])
	rv, err := p.Actions.Rate(r.Context(), sess.Member, action.RatingInput{Run: r.PathValue("id"), Rating: rating, Body: v["body"]})
	if err != nil {
		return &redo{err: err, show: p.showRun, form: form{Values: v}, shows: found}
	}
	http.Redirect(w, r, "/automations/"+rv.Automation+"#review-"+rv.ID, http.StatusSeeOther)
	return nil
}
