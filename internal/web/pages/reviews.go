package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// reviewsPage is the stewards' queue: held rejections and appeals, and
// recordings waiting for a decision.
func (p *Pages) reviewsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showReviews(w, r, http.StatusOK, form{})
}

func (p *Pages) showReviews(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	pending, err := p.Work.ToDecide(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	floor, err := p.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		return err
	}
	recordings, err := p.Actions.AwaitingReview(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "reviews.html", "Reviews", map[string]any{"Pending": pending, "Message": f.Message, "Floor": floor, "Recordings": recordings})
}
