package pages

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// proposalRow is one line of the proposals list.
type proposalRow struct {
	P      govern.Proposal
	Phase  govern.Phase
	Closes string
	Voted  bool
	// Outcome is the decision in words, once decided.
	Outcome string
	// Status is where the vote stands, and Changes what a binding
	// proposal sets, in words.
	Status, Changes string
}

func (p *Pages) proposalsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	list, voted, next, err := p.Govern.Ballots(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	now := time.Now()
	var open, decided []proposalRow
	for _, pr := range list {
		row := proposalRow{P: pr, Phase: pr.Phase(now), Closes: moment(pr.ClosesAt), Voted: voted[pr.ID], Outcome: outcome(pr),
			Status: phaseWords[pr.Phase(now)], Changes: "nothing: advisory"}
		if pr.Binding() {
			row.Changes = paramWords(pr.Param)
		}
		if row.Phase == govern.Decided {
			decided = append(decided, row)
		} else {
			open = append(open, row)
		}
	}
	return p.render(w, r, http.StatusOK, "proposals.html", "Proposals", map[string]any{"Open": open, "Decided": decided, "Pager": pagerFor(r, next)})
}
