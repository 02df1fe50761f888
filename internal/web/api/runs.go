package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) runs(mux route.Mux) {
	mux.Handle("GET /api/v1/runs/{id}", a.member(a.runShow))
	mux.Handle("GET /api/v1/members/{id}/runs", a.member(a.runList))
	mux.Handle("POST /api/v1/runs/{id}/review", a.member(a.runReview))
}

// runReview is the runner's review of their finished run: one per run.
func (a *API) runReview(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Rating int    `json:"rating"`
		Body   string `json:"body"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	rv, err := a.Actions.Rate(r.Context(), sess.Member, action.RatingInput{Run: r.PathValue("id"), Rating: req.Rating, Body: req.Body})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, rv)
	return nil
}

func (a *API) runShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	run, err := a.Actions.GetRun(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, run)
	return nil
}

func (a *API) runList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's runs"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Actions.MyRuns(r.Context(), sess.Member.ID, r.URL.Query().Get("automation"), page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"runs": list}.Next(next))
	return nil
}
