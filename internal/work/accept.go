package work

import (
	"context"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Accept is the requester taking a submission as it is before the review
// window closes: the work is paid now rather than when the window ends,
// so a worker whose work is plainly right does not wait for their money.
// The project's requester and stewards may accept; only a submitted task
// that is not yet paid can be.
func (s *Service) Accept(ctx context.Context, actor member.Member, assignmentID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewable(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if r.requesterID != actor.ID && !actor.IsSteward() {
			return problem.New(problem.Forbidden, "only the project's requester can accept its work")
		}
		if r.status != "submitted" {
			return problem.New(problem.Conflict, "only a submitted task that is not yet paid can be accepted; this one is %s", r.status)
		}
		return s.pay(ctx, tx, assignmentID)
	})
}
