package pages

import (
	"net/http"
	"net/url"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) projectShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showProject(w, r, http.StatusOK, form{})
}

// showProject is a project's page for those who manage it: its escrow,
// results and submissions; approving it and rejecting answers show their
// problems here.
func (p *Pages) showProject(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	proj, err := p.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	escrow, err := p.Reward.Balance(ctx, reward.EscrowAccount(proj.ID))
	if err != nil {
		return err
	}
	res, err := p.Work.Results(ctx, proj)
	if err != nil {
		return err
	}
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	subs, next, err := p.Work.SubmissionsPage(ctx, proj.ID, page)
	if err != nil {
		return err
	}
	// The open bounties for its tasks, inline (issue 17).
	bounties, err := p.openBounties(ctx, bounty.Filter{Project: proj.Slug, Kind: bounty.Annotation}, "/bounties/new?project="+url.QueryEscape(proj.Slug))
	if err != nil {
		return err
	}
	return p.render(w, r, status, "project.html", proj.Name, map[string]any{"P": proj, "Bounties": bounties, "Escrow": escrow, "Results": res, "Submissions": subs, "Message": f.Message, "Pager": pagerFor(r, next),
		"Edited": r.URL.Query().Get("edited") != ""})
}
