package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) datanetCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !datanet.MayCreate(sess.Member) {
		return errNotCreator
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	d, f, err := datanetForm(r, p.currency())
	if err != nil {
		return again(err, p.showDatanetForm, f)
	}
	created, err := p.Datanets.Create(r.Context(), sess.Member, d)
	if err != nil {
		return again(err, p.showDatanetForm, f)
	}
	http.Redirect(w, r, "/datanets/"+created.Slug, http.StatusSeeOther)
	return nil
}
