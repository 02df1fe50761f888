package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionEraseAll asks the member to type ERASE, because it cannot
// be undone.
func (p *Pages) contributionEraseAll(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "ERASE" {
		return again(&problem.Error{Kind: problem.Invalid, Message: "Type ERASE to confirm: erasing all your data cannot be undone.",
			Fields: map[string]string{"confirm": "ERASE"}}, p.showContributions, form{})
	}
	if _, err := p.EraseAll(r.Context(), sess.Member); err != nil {
		return err
	}
	// Say that it happened: afterwards the page is empty, which alone
	// reads the same as never having contributed.
	http.Redirect(w, r, "/contributions?erased=1", http.StatusSeeOther)
	return nil
}
