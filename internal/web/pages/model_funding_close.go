package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// modelFundingClose closes the model's open round now (its builder or a
// steward): funded if it met its goal, every pledge returned if not.
func (p *Pages) modelFundingClose(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if _, err := p.Models.CloseRound(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return again(err, p.showModel, form{Values: map[string]string{"form": "close"}})
	}
	http.Redirect(w, r, "/models/"+r.PathValue("slug")+"#funding", http.StatusSeeOther)
	return nil
}
