package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// contributionDecision is a curator's decision on a waiting record, from
// the queue, which it goes back to.
func (p *Pages) contributionDecision(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	dec, f := decisionForm(r)
	// decisionForm reads anything but "accept" as a rejection: a decision
	// that is neither would reject the record (with the reason typed).
	if d := f.Value("decision"); d != "accept" && d != "reject" {
		return againSummary(&problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"decision": "accept or reject"}}, p.showQueue, f)
	}
	c, err := p.Datanets.Decide(r.Context(), sess.Member, r.PathValue("id"), dec)
	if err != nil {
		return againSummary(err, p.showQueue, f)
	}
	http.Redirect(w, r, "/datanets/"+url.PathEscape(c.Datanet)+"/queue?decided="+url.QueryEscape(c.State), http.StatusSeeOther)
	return nil
}
