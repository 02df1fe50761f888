package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// The dashboard shows a few of the newest projects and datanets, with
// links to the full lists.
const (
	dashboardProjects = 5
	dashboardDatanets = 6
)

// dashboardPage shows a member where they stand. Everything on it is a
// kept total or a short list read along an index, so it costs the same for
// a member with 100,000 contributions as for one with none (see
// BenchmarkDashboard).
func (p *Pages) dashboardPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	ctx := r.Context()
	open, err := p.Members.OpenInvitations(ctx, sess.Member.ID)
	if err != nil {
		return err
	}
	projects, allProjects, err := p.Work.Open(ctx, dashboardProjects)
	if err != nil {
		return err
	}
	datanets, moreDatanets, err := p.Datanets.List(ctx, datanet.Filter{Open: true}, store.Page{Limit: dashboardDatanets})
	if err != nil {
		return err
	}
	earnings, err := p.Work.Earnings(ctx, sess.Member.ID, 0)
	if err != nil {
		return err
	}
	counts, err := p.Datanets.Counts(ctx, sess.Member.ID)
	if err != nil {
		return err
	}
	notices, err := p.Work.Notices(ctx, sess.Member.ID)
	if err != nil {
		return err
	}
	// A steward sees everything waiting for them, payout requests too.
	var queue *stewardQueue
	if sess.Member.IsSteward() {
		if queue, err = p.stewardQueue(ctx, sess.Member); err != nil {
			return err
		}
	}
	return p.render(w, r, http.StatusOK, "dashboard.html", "Dashboard", map[string]any{
		"Notices":         notices,
		"Queue":           queue,
		"Counts":          counts,
		"Earnings":        earnings,
		"Balance":         earnings.Balance,
		"OpenInvitations": open,
		"Projects":        projects,
		"MoreProjects":    allProjects > len(projects),
		"Datanets":        datanets,
		"MoreDatanets":    moreDatanets != "",
	})
}
