package web

import (
	"net/http"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// The dashboard shows a few of the newest projects and datanets, with
// links to the full lists.
const (
	dashboardProjects = 5
	dashboardDatanets = 6
)

// dashboard shows a member where they stand. Everything on it is a kept
// total or a short list read along an index, so it costs the same for a
// member with 100,000 contributions as for one with none (see
// BenchmarkDashboard).
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	ctx := r.Context()
	open, err := s.Members.OpenInvitations(ctx, sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	projects, allProjects, err := s.Work.Open(ctx, dashboardProjects)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	datanets, moreDatanets, err := s.Datanets.List(ctx, datanet.Filter{Open: true}, store.Page{Limit: dashboardDatanets})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	earnings, err := s.Work.Earnings(ctx, sess.Member.ID, 0)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	balance, err := s.Reward.Balance(ctx, reward.MemberAccount(sess.Member.PublicID))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	counts, err := s.Datanets.Counts(ctx, sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard.html", "Dashboard", map[string]any{
		"Counts":          counts,
		"Earnings":        earnings,
		"Balance":         balance,
		"OpenInvitations": open,
		"Projects":        projects,
		"MoreProjects":    allProjects > len(projects),
		"Datanets":        datanets,
		"MoreDatanets":    moreDatanets != "",
	})
}
