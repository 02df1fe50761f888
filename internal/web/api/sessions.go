package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) sessions(mux route.Mux) {
	mux.Handle("POST /api/v1/sessions", a.public(a.sessionCreate))
	mux.Handle("DELETE /api/v1/sessions/current", a.member(a.sessionDelete))
}

type signinRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type sessionJSON struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	Member    memberJSON `json:"member"`
}

// sessionCreate opens a session. The token comes back in the body, for
// programs that send it as a bearer token, and as a cookie, for browsers.
func (a *API) sessionCreate(w http.ResponseWriter, r *http.Request) error {
	var req signinRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	if err := a.signins.SignIn(r, strings.ToLower(strings.TrimSpace(req.Email))); err != nil {
		return err
	}
	sess, err := a.Members.SignIn(r.Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	response.SetSession(w, r, sess, a.SecureCookies)
	response.JSON(w, http.StatusCreated, sessionJSON{Token: sess.Token, ExpiresAt: sess.ExpiresAt, Member: ownJSON(sess.Member)})
	return nil
}

func (a *API) sessionDelete(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Members.SignOut(r.Context(), sess.Token); err != nil {
		return err
	}
	response.ClearSession(w, r, a.SecureCookies)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
