package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
)

func (p *Pages) contributionErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := p.Datanets.Erase(r.Context(), sess.Member.ID, r.PathValue("id")); err != nil {
		return again(err, p.showContributions, form{})
	}
	http.Redirect(w, r, "/contributions", http.StatusSeeOther)
	return nil
}
