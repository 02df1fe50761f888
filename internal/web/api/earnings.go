package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) earnings(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/earnings", a.member(a.earningShow))
}

// earningShow is a member's pay from tasks, with the last 30 days day by
// day.
func (a *API) earningShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's earnings"); err != nil {
		return err
	}
	e, err := a.Work.Earnings(r.Context(), sess.Member.ID, 30)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, e)
	return nil
}
