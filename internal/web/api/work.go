package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) work(mux route.Mux) {
	mux.Handle("GET /api/v1/work", a.member(a.workList))
	mux.Handle("POST /api/v1/work/heartbeat", a.member(a.workHeartbeat))
}

func (a *API) workList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	offers, floor, next, err := a.Work.Offers(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"pay_floor_per_hour": floor, "projects": offers}.Next(next))
	return nil
}

// workHeartbeat counts the time a worker spends choosing a task, which is
// work too.
func (a *API) workHeartbeat(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Work.Browsing(r.Context(), sess.Member.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
