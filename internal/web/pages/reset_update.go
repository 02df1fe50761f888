package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// resetUpdate sets the new password and sends the member to sign in with
// it; every session they had is ended.
func (p *Pages) resetUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("again") {
		bad := problem.Fields{}
		bad.Add("again", "the two passwords differ: type the same one twice")
		return &redo{err: bad.Err(), show: p.showReset, form: form{}}
	}
	if _, err := p.Members.ResetPassword(r.Context(), r.PathValue("token"), password); err != nil {
		return &redo{err: err, show: p.showReset, form: form{}, shows: found}
	}
	http.Redirect(w, r, "/signin?reset=1", http.StatusSeeOther)
	return nil
}
