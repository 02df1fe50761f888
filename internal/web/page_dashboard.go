package web

import (
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
)

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	ctx := r.Context()
	invitations, err := s.Members.Invitations(ctx, sess.Member.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	open := 0
	for _, inv := range invitations {
		if inv.Status(time.Now()) == "open" {
			open++
		}
	}
	projects, err := s.Work.Approved(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	datanets, err := s.Datanets.List(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	earnings, err := s.Work.Earnings(ctx, sess.Member.ID, 14)
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
		"Datanets":        datanets,
	})
}
