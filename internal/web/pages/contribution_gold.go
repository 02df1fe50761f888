package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionGold marks an accepted record of a curated datanet as a
// gold record, or takes the mark away, from the curator queue's list of
// accepted records, which it goes back to; the domain decides who may
// (the datanet's curators).
func (p *Pages) contributionGold(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	gold, f, err := goldForm(r)
	if err != nil {
		return againSummary(err, p.showQueue, f)
	}
	c, err := p.Datanets.SetGold(r.Context(), sess.Member, r.PathValue("id"), gold)
	if err != nil {
		return againSummary(err, p.showQueue, f)
	}
	mark := "unmarked"
	if c.Gold {
		mark = "gold"
	}
	http.Redirect(w, r, "/datanets/"+url.PathEscape(c.Datanet)+"/queue?"+url.Values{"marked": {mark}, "record": {c.Contribution}}.Encode()+"#accepted-"+url.PathEscape(c.Contribution), http.StatusSeeOther)
	return nil
}
