package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) signinPage(w http.ResponseWriter, r *http.Request) error {
	if request.Session(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return p.showSignin(w, r, http.StatusOK, form{Values: map[string]string{"next": r.URL.Query().Get("next"), "reset": r.URL.Query().Get("reset")}})
}

func (p *Pages) showSignin(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "signin.html", "Sign in", f)
}
