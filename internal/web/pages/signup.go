package pages

import "net/http"

func (p *Pages) signupPage(w http.ResponseWriter, r *http.Request) error {
	return p.showSignup(w, r, http.StatusOK, form{Values: map[string]string{"code": r.URL.Query().Get("code")}})
}

func (p *Pages) showSignup(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.render(w, r, status, "signup.html", "Join", f)
}
