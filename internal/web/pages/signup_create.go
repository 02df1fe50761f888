package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
)

// signupFailures are the problems the form to join shows; any other gets
// the error page.
var signupFailures = oneOf(problem.TooMany, problem.Invalid, problem.Conflict)

func (p *Pages) signupCreate(w http.ResponseWriter, r *http.Request) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	su, f := signupForm(r)
	if err := p.signins.SignIn(r, ""); err != nil {
		return &redo{err: err, show: p.showSignup, form: f, shows: signupFailures}
	}
	m, err := p.Members.SignUp(r.Context(), su)
	if err != nil {
		return &redo{err: err, show: p.showSignup, form: f, shows: signupFailures}
	}
	sess, err := p.Members.OpenSession(r.Context(), m.ID)
	if err != nil {
		return err
	}
	response.SetSession(w, r, sess, p.SecureCookies)
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	return nil
}
