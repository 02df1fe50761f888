package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) settingDisplayName(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	name := r.PostForm.Get("display_name")
	if r.PostForm.Get("withdraw") != "" {
		name = ""
	}
	if _, err := p.Members.Update(r.Context(), sess.Member, sess.Member.PublicID, member.Change{DisplayName: &name}); err != nil {
		return again(err, p.showSettings, form{Values: map[string]string{"display_name": name}})
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}
