package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// sharesPage shows a member their governance shares, what the open epoch
// will give them, and what each closed one did.
func (p *Pages) sharesPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	st, next, err := p.Reward.Standing(r.Context(), sess.Member.ID, p.Params, page)
	if err != nil {
		return err
	}
	data := map[string]any{"Shares": st.Shares, "Pending": st.Pending, "PendingShares": st.Pending / st.PointsPerShare, "Rule": p.paramValue(coop.PointsPerShare, st.PointsPerShare) + " in the epoch, rounded down",
		"History": st.History, "IsOpen": st.IsOpen, "Open": st.Open, "Pager": pagerFor(r, next)}
	if st.IsOpen {
		data["Since"] = moment(st.Open.StartedAt)
	}
	return p.render(w, r, http.StatusOK, "shares.html", "Shares", data)
}
