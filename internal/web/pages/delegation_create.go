package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// delegationCreate is a member delegating their vote from the proposals
// page; a refusal (oneself, nobody, a circle) shows there.
func (p *Pages) delegationCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: map[string]string{"delegate": r.PostForm.Get("delegate"), "topic": r.PostForm.Get("topic")}}
	topic, err := delegationTopic(r.PostForm.Get("topic"))
	if err != nil {
		return again(err, p.showProposals, f)
	}
	if _, err := p.Govern.Delegate(r.Context(), sess.Member, r.PostForm.Get("delegate"), topic, time.Now()); err != nil {
		return again(err, p.showProposals, f)
	}
	http.Redirect(w, r, "/proposals#delegation", http.StatusSeeOther)
	return nil
}
