package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
)

func (p *Pages) signoutCreate(w http.ResponseWriter, r *http.Request) error {
	if sess := request.Session(r); sess != nil {
		if err := p.Members.SignOut(r.Context(), sess.Token); err != nil {
			return err
		}
	}
	response.ClearSession(w, r, p.SecureCookies)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
