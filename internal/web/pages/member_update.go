package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) memberUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	c, err := memberForm(r)
	if err == nil {
		_, err = p.Members.Update(r.Context(), sess.Member, r.PathValue("id"), c)
	}
	if err != nil {
		return againSummary(err, p.showMembers, form{})
	}
	http.Redirect(w, r, "/members", http.StatusSeeOther)
	return nil
}
