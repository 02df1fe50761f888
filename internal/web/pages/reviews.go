package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/work"
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
	// Each recording with its steps, as its page shows them.
	steps := make(map[string][]stepLine, len(recordings))
	for _, rc := range recordings {
		_, rec, err := p.Actions.Open(r.Context(), sess.Member, rc.ID)
		if err != nil {
			return err
		}
		steps[rc.ID] = describeSteps(rec)
	}
	// Each case with its work drawn: no ruling without the work in view.
	cases := make([]reviewCase, 0, len(pending))
	for _, pd := range pending {
		c, err := p.Work.Case(r.Context(), sess.Member, pd.AssignmentID)
		if err != nil {
			return err
		}
		cases = append(cases, reviewCase{Pending: pd, Case: c, Work: viewWork(c)})
	}
	return p.render(w, r, status, "reviews.html", "Reviews", map[string]any{"Pending": cases, "Message": f.Message, "Floor": floor, "Recordings": recordings, "Steps": steps})
}

// reviewCase is one held rejection or appeal on the stewards' queue, with
// the task's case and its work to draw.
type reviewCase struct {
	work.Pending
	Case work.Case
	Work workView
}
