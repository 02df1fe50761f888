package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) recordEarnings(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/record-earnings", a.member(a.recordEarningList))
}

// recordEarningList is "where my data went": each of the member's records
// that models used, how often, and what it earned.
func (a *API) recordEarningList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "this is another member's data"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Models.WhereMyDataWent(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	if list == nil {
		list = []model.RecordEarning{}
	}
	response.JSON(w, http.StatusOK, response.List{"records": list}.Next(next))
	return nil
}
