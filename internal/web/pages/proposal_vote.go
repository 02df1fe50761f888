package pages

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) proposalVote(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := proposalID(r)
	if err != nil {
		return err
	}
	if err := request.Form(w, r); err != nil {
		return err
	}
	option, err := strconv.Atoi(r.PostForm.Get("option"))
	if err != nil {
		return again(problem.New(problem.Invalid, "Choose an option before you vote."), p.showProposal, form{})
	}
	if _, err := p.Govern.Vote(r.Context(), sess.Member.ID, id, option, time.Now()); err != nil {
		return againSummary(err, p.showProposal, form{})
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d", id), http.StatusSeeOther)
	return nil
}
