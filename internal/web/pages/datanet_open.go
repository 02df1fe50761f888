package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// datanetOpen opens or closes a datanet to contributions.
func (p *Pages) datanetOpen(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	if _, err := p.Datanets.SetOpen(r.Context(), sess.Member, r.PathValue("slug"), r.PostForm.Get("open") == "true"); err != nil {
		return again(err, p.showDatanet, form{})
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug"), http.StatusSeeOther)
	return nil
}
