package work

import (
	"context"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Who may do what with projects is decided here, for every door a request
// comes through (pages, the API, the command line): the methods that act
// take the acting member and refuse on their own. Requesters create
// projects and manage their own; stewards manage every project, approve
// them, decide held rejections and appeals, and set the pay floor until
// governance does; workers take tasks.

// MayRequest reports whether a member may create projects: requesters and
// stewards.
func MayRequest(actor member.Member) bool {
	return actor.Role == member.RoleRequester || actor.IsSteward()
}

// manages reports whether a member may manage a project: its requester or
// a steward.
func manages(actor member.Member, p Project) bool {
	return actor.IsSteward() || (actor.PublicID != "" && p.Requester == actor.PublicID)
}

// Project returns a project to a member who may manage it. To anyone
// else it does not exist, so that a project's internals — its budget, its
// submissions, its results — do not leak to workers or other requesters.
func (s *Service) Project(ctx context.Context, actor member.Member, slug string) (Project, error) {
	p, err := s.BySlug(ctx, slug)
	if err != nil {
		return Project{}, err
	}
	if !manages(actor, p) {
		return Project{}, problem.New(problem.NotFound, "no such project")
	}
	return p, nil
}

// Projects lists the projects a member manages: every project for a
// steward, their own for a requester. Workers find work among the approved ones (Approved).
func (s *Service) Projects(ctx context.Context, actor member.Member) ([]Project, error) {
	switch {
	case actor.IsSteward():
		return s.All(ctx)
	case MayRequest(actor):
		return s.OfRequester(ctx, actor.ID)
	}
	return nil, problem.New(problem.Forbidden, "projects are created by requesters; workers find work at /work")
}

// ToDecide lists the held rejections and appeals waiting for a steward,
// to stewards only: it names workers and what was said about their work.
func (s *Service) ToDecide(ctx context.Context, actor member.Member) ([]Pending, error) {
	if !actor.IsSteward() {
		return nil, problem.New(problem.Forbidden, "only stewards decide rejections and appeals")
	}
	return s.PendingDecisions(ctx)
}

// SetPayFloor is a steward setting the pay floor per hour of measured
// work until the members vote on it (a passed binding proposal sets it
// through govern). The value is held to coop.Limits.
func (s *Service) SetPayFloor(ctx context.Context, actor member.Member, perHour int64) error {
	if !actor.IsSteward() {
		return problem.New(problem.Forbidden, "only stewards set the pay floor")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return s.params.Set(ctx, tx, coop.PayFloor, perHour) })
}
