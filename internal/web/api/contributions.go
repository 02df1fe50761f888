package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) contributions(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/contributions", a.member(a.contributionList))
	mux.Handle("DELETE /api/v1/members/{id}/contributions", a.member(a.contributionEraseAll))
	mux.Handle("DELETE /api/v1/contributions/{id}", a.member(a.contributionErase))
}

func (a *API) contributionList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's contributions"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Datanets.History(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	if list == nil {
		list = []datanet.Contribution{}
	}
	response.JSON(w, http.StatusOK, response.List{"contributions": list}.Next(next))
	return nil
}

func (a *API) contributionErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Datanets.Erase(r.Context(), sess.Member.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) contributionEraseAll(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "only the member themself can erase their data"); err != nil {
		return err
	}
	n, err := a.EraseAll(r.Context(), sess.Member)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]int{"erased": n})
	return nil
}
