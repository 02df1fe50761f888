package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionAppeal is the contributor's one appeal against a curator's
// rejection, from their contributions page.
func (p *Pages) contributionAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: fields(r.PostForm.Get, "text")}
	if _, err := p.Datanets.Appeal(r.Context(), sess.Member.ID, r.PathValue("id"), f.Values["text"]); err != nil {
		return againSummary(err, p.showContributions, f)
	}
	http.Redirect(w, r, "/contributions?appealed="+url.QueryEscape(r.PathValue("id")), http.StatusSeeOther)
	return nil
}
