package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
)

func (p *Pages) keyRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := p.Models.RevokeKey(r.Context(), sess.Member.ID, id); err != nil {
		return again(err, p.showKeys, form{})
	}
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
	return nil
}
