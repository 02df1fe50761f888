package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// workPage is the task list: the approved projects as the worker sees
// them, measured against the pay floor.
func (p *Pages) workPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showWork(w, r, http.StatusOK, form{})
}

func (p *Pages) showWork(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	offers, floor, next, err := p.Work.Offers(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	open, err := p.Work.InProgress(r.Context(), sess.Member.ID)
	if err != nil {
		return err
	}
	// Open bounties for annotation, inline (issue 17): extra pay for tasks.
	bounties, err := p.openBounties(r.Context(), bounty.Filter{Kind: bounty.Annotation}, "")
	if err != nil {
		return err
	}
	return p.render(w, r, status, "work.html", "Work", map[string]any{"InProgress": open, "Offers": offers, "Floor": floor, "Message": f.Message, "Pager": pagerFor(r, next),
		"Bounties": bounties})
}
