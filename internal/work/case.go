package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// Case is one task as whoever decides on it or has it explained sees it:
// the item, the worker's answer read back into shapes, labels or a choice,
// the reviews so far, and what the viewer may do next. Decisions are never
// taken blind: the requester who rejects, the steward who rules and the
// worker who appeals all look at the same work.
type Case struct {
	Task
	// Worker is the worker's pseudonym.
	Worker string `json:"worker"`
	// Work is the answer as the task type reads it; empty while the task
	// is open or after the worker erased their answers.
	Work annotation.Answer `json:"work"`
	// Erased is set when the worker erased their answer.
	Erased bool `json:"erased,omitempty"`
	// Own: the viewer did this task.
	Own bool `json:"own"`
	// What the viewer may do now; the methods that act decide again.
	MayReject bool `json:"may_reject"`
	MayDecide bool `json:"may_decide"`
	MayAppeal bool `json:"may_appeal"`
}

// Case returns a task to its worker, to its project's requester and to
// stewards; to anyone else it does not exist.
func (s *Service) Case(ctx context.Context, viewer member.Member, assignmentID int64) (Case, error) {
	var workerID, requesterID int64
	var worker string
	var erased *int64
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT a.worker_id, m.public_id, p.requester_id, a.erased_at FROM assignments a
		JOIN members m ON m.id = a.worker_id JOIN projects p ON p.id = a.project_id WHERE a.id = $1`, assignmentID).
		Scan(&workerID, &worker, &requesterID, &erased)
	own := err == nil && viewer.ID != 0 && workerID == viewer.ID
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !own && requesterID != viewer.ID && !viewer.IsSteward()) {
		return Case{}, problem.New(problem.NotFound, "no task %d", assignmentID)
	}
	if err != nil {
		return Case{}, fmt.Errorf("case %d: %w", assignmentID, err)
	}
	t, err := s.task(ctx, workerID, assignmentID)
	if err != nil {
		return Case{}, err
	}
	if own && t.Kind == "gold" {
		t.Kind = "task" // a check question is not announced to its worker
	}
	c := Case{Task: t, Worker: worker, Own: own, Erased: erased != nil}
	if t.Answer != nil && !c.Erased {
		// The stored answer was checked when it was submitted; one that no
		// longer reads (labels changed since) shows as no answer rather
		// than failing the page.
		if a, err := annotation.Parse(*t.Answer, s.spec(t)); err == nil {
			c.Work = a
		}
	}
	switch t.Status {
	case "submitted":
		c.MayReject = !own && (requesterID == viewer.ID || viewer.IsSteward())
	case "review", "appealed":
		c.MayDecide = viewer.IsSteward() && requesterID != viewer.ID && !own
	case "rejected":
		c.MayAppeal = own
	}
	return c, nil
}

// Shapes counts the boxes and polygons of an answer.
func Shapes(a annotation.Answer) int { return len(a.Boxes) + len(a.Polygons) }
