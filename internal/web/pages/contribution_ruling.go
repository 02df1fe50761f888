package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionRuling is a steward's ruling on an appeal: overturn (the
// record is accepted and paid) or uphold, with a note.
func (p *Pages) contributionRuling(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: fields(r.PostForm.Get, "ruling", "note")}
	c, err := p.Datanets.Rule(r.Context(), sess.Member, r.PathValue("id"), f.Values["ruling"] == "overturn", f.Values["note"])
	if err != nil {
		return againSummary(err, p.showAppeals, f)
	}
	http.Redirect(w, r, "/contributions/appeals?ruled="+url.QueryEscape(c.State), http.StatusSeeOther)
	return nil
}
