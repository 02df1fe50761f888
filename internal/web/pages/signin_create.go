package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
)

// signinFailures are the problems the sign-in form shows; any other gets
// the error page.
var signinFailures = oneOf(problem.Unauthorized, problem.TooMany)

func (p *Pages) signinCreate(w http.ResponseWriter, r *http.Request) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	email, password, f := signinForm(r)
	if err := p.signins.SignIn(r, strings.ToLower(email)); err != nil {
		return &redo{err: err, show: p.showSignin, form: f, shows: signinFailures}
	}
	sess, err := p.Members.SignIn(r.Context(), email, password)
	if err != nil {
		return &redo{err: err, show: p.showSignin, form: f, shows: signinFailures}
	}
	response.SetSession(w, r, sess, p.SecureCookies)
	http.Redirect(w, r, safeNext(f.Values["next"]), http.StatusSeeOther)
	return nil
}
