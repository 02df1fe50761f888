package pages

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

// bountyDecision is the funder's decision on a claim that waits for them
// (request=<id>): decision=accept pays it, decision=reject needs a reason.
func (p *Pages) bountyDecision(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := bountyID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	f := form{Values: fields(r.PostForm.Get, "request", "decision", "reason")}
	rid, err := strconv.ParseInt(f.Value("request"), 10, 64)
	if err != nil || rid <= 0 {
		return problem.New(problem.NotFound, "no such claim")
	}
	var accept bool
	switch f.Value("decision") {
	case "accept":
		accept = true
	case "reject":
	default:
		return againSummary(&problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"decision": "accept or reject"}}, p.showBounty, f)
	}
	if _, err := p.Bounties.Decide(r.Context(), sess.Member, id, rid, accept, r.PostForm.Get("reason")); err != nil {
		return againSummary(err, p.showBounty, f)
	}
	http.Redirect(w, r, fmt.Sprintf("/bounties/%d?decided=%s#waiting", id, f.Value("decision")), http.StatusSeeOther)
	return nil
}
