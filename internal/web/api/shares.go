package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) shares(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/shares", a.member(a.shareShow))
}

// shareShow shows a member their governance shares and epoch history.
// Only their own: balances per pseudonym are public in the log anyway, but
// the API does not help anyone put a member's history together.
func (a *API) shareShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's shares"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	st, next, err := a.Reward.Standing(r.Context(), sess.Member.ID, a.Params, page)
	if err != nil {
		return err
	}
	history := st.History
	if history == nil {
		history = []reward.MemberEpoch{}
	}
	body := map[string]any{"member": sess.Member.PublicID, "shares": st.Shares, "pending_points": st.Pending, "pending_points_text": a.money(st.Pending),
		"rule": reward.Rule(st.PointsPerShare), "epochs": history}
	if next != "" {
		body["next"] = next
	}
	if st.IsOpen {
		body["open_epoch"] = st.Open
	}
	response.JSON(w, http.StatusOK, body)
	return nil
}
