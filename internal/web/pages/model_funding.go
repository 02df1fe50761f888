package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// modelFunding opens a funding round from the model page's form; refused,
// the page shows the form again with what was typed.
func (p *Pages) modelFunding(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	t, f, err := roundForm(r, p.currency(), time.Now())
	if err != nil {
		return again(err, p.showModel, f)
	}
	if _, err := p.Models.OpenRound(r.Context(), sess.Member, r.PathValue("slug"), t); err != nil {
		return again(err, p.showModel, f)
	}
	http.Redirect(w, r, "/models/"+r.PathValue("slug")+"#funding", http.StatusSeeOther)
	return nil
}
