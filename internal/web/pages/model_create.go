package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) modelCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if !model.MayBuild(sess.Member) {
		return errNotBuilder
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	m, f, err := modelForm(r, p.currency())
	if err != nil {
		return again(err, p.showModelForm, f)
	}
	created, err := p.Models.Create(r.Context(), sess.Member, m)
	if err != nil {
		return again(err, p.showModelForm, f)
	}
	http.Redirect(w, r, "/models/"+created.Slug, http.StatusSeeOther)
	return nil
}
