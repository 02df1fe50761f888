package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) me(mux route.Mux) {
	mux.Handle("GET /api/v1/me", a.member(a.meShow))
}

func (a *API) meShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	m, err := a.Members.ByID(r.Context(), sess.Member.ID)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, ownJSON(m))
	return nil
}
