package api

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) keys(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/keys", a.member(a.keyList))
	mux.Handle("POST /api/v1/members/{id}/keys", a.member(a.keyCreate))
	mux.Handle("DELETE /api/v1/members/{id}/keys/{key}", a.member(a.keyRevoke))
}

func (a *API) keyList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's keys"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	keys, next, err := a.Models.Keys(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	if keys == nil {
		keys = []model.Key{}
	}
	response.JSON(w, http.StatusOK, response.List{"keys": keys}.Next(next))
	return nil
}

func (a *API) keyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "keys are created by their owner"); err != nil {
		return err
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	secret, k, err := a.Models.CreateKey(r.Context(), sess.Member.ID, req.Name)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, map[string]any{"key": secret, "info": k})
	return nil
}

func (a *API) keyRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "keys are revoked by their owner"); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err := a.Models.RevokeKey(r.Context(), sess.Member.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
