package api

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) signup(mux route.Mux) {
	mux.Handle("POST /api/v1/signup", a.public(a.signupCreate))
}

func (a *API) signupCreate(w http.ResponseWriter, r *http.Request) error {
	var su member.SignUp
	if err := request.JSON(w, r, &su); err != nil {
		return err
	}
	if err := a.signins.SignIn(r, ""); err != nil {
		return err
	}
	m, err := a.Members.SignUp(r.Context(), su)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, ownJSON(m))
	return nil
}
