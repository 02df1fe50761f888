package work

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Task is an assignment as its worker sees it.
type Task struct {
	Assignment
	Project Project          `json:"project"`
	Item    Item             `json:"item"`
	Answer  *json.RawMessage `json:"answer,omitempty"`
	// Ended says how a task given up ended: returned or skipped by the
	// worker; empty when it expired or did not end so.
	Ended string `json:"ended,omitempty"`
	// Reviews are the rejection, appeal and decision notes, oldest first.
	Reviews []Review `json:"reviews,omitempty"`
}

// Task returns one of the worker's tasks; another worker's is not found.
// A check question is a task to its worker: its kind says so.
func (s *Service) Task(ctx context.Context, workerID, assignmentID int64) (Task, error) {
	t, err := s.task(ctx, workerID, assignmentID)
	if t.Kind == "gold" {
		t.Kind = "task"
	}
	return t, err
}

// task is Task with the kind as stored, for the project's requester and
// stewards.
func (s *Service) task(ctx context.Context, workerID, assignmentID int64) (Task, error) {
	var t Task
	var answer *string
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT id, project_id, item_id, kind, status, active_ms, answer, COALESCE(ended, '') FROM assignments WHERE id = $1 AND worker_id = $2`, assignmentID, workerID).
		Scan(&t.ID, &t.ProjectID, &t.ItemID, &t.Kind, &t.Status, &t.ActiveMS, &answer, &t.Ended)
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, problem.New(problem.NotFound, "you have no task %d", assignmentID)
	}
	if err != nil {
		return Task{}, fmt.Errorf("task: %w", err)
	}
	if answer != nil {
		raw := json.RawMessage(*answer)
		t.Answer = &raw
	}
	if t.Project, err = s.byID(ctx, s.db.Read(), t.ProjectID); err != nil {
		return Task{}, err
	}
	if t.Item, _, _, err = s.item(ctx, s.db.Read(), t.ItemID); err != nil {
		return Task{}, err
	}
	if t.Reviews, err = s.reviews(ctx, t.ID); err != nil {
		return Task{}, err
	}
	return t, nil
}

// elapsed is the time to credit since the last sign of life.
func elapsed(seen, now time.Time) int64 {
	d := now.Sub(seen)
	return max(min(d, IdleCap), 0).Milliseconds()
}

// Heartbeat records that the worker is still on the task. The page sends
// one every few seconds while it is visible; gaps are capped at IdleCap.
func (s *Service) Heartbeat(ctx context.Context, workerID, assignmentID int64) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var seen int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT seen_at, status FROM assignments WHERE id = $1 AND worker_id = $2`, assignmentID, workerID).Scan(&seen, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "you have no task %d", assignmentID)
		}
		if err != nil {
			return err
		}
		if status != "assigned" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE assignments SET seen_at = $2, active_ms = active_ms + $3 WHERE id = $1`,
			assignmentID, now.UnixMilli(), elapsed(store.Time(seen), now))
		return err
	})
}

// Submit stores a worker's answer. The answer is checked against the task
// type, the label set and the image; check questions are scored; the time
// measured since assignment is final. Qualification work is paid at once
// at the pay floor; other work is paid when the project's review window
// closes (at once if it has none).
func (s *Service) Submit(ctx context.Context, workerID, assignmentID int64, raw []byte) (Task, error) {
	t, err := s.Task(ctx, workerID, assignmentID)
	if err != nil {
		return Task{}, err
	}
	if t.Status != "assigned" {
		return Task{}, problem.New(problem.Conflict, "this task was already %s", t.Status)
	}
	now := s.now()
	var seen int64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT seen_at FROM assignments WHERE id = $1`, t.ID).Scan(&seen); err != nil {
		return Task{}, err
	}
	if now.Sub(store.Time(seen)) > ExpireAfter {
		return Task{}, problem.New(problem.Conflict, "this task expired after %v without activity and went back to the pool; take the next one", ExpireAfter)
	}
	ans, err := annotation.Parse(raw, s.spec(t))
	if err != nil {
		return Task{}, answerProblem(err)
	}
	canonical, _ := json.Marshal(ans)
	_, gold, _, err := s.item(ctx, s.db.Read(), t.ItemID)
	if err != nil {
		return Task{}, err
	}
	var correct any
	if gold != nil {
		g, err := annotation.Parse(gold, s.spec(t))
		if err != nil {
			return Task{}, fmt.Errorf("gold answer of item %d is invalid: %w", t.ItemID, err)
		}
		correct = matchesGold(ans, g)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE assignments SET status = 'submitted', answer = $2, correct = $3, submitted_at = $4, seen_at = $4, active_ms = active_ms + $5
			WHERE id = $1 AND status = 'assigned'`,
			t.ID, string(canonical), correct, now.UnixMilli(), elapsed(store.Time(seen), now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "this task was submitted a moment ago")
		}
		if t.Kind == "qualification" || t.Project.ReviewHours == 0 {
			return s.pay(ctx, tx, t.ID)
		}
		return nil
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, workerID, assignmentID)
}

func (s *Service) spec(t Task) annotation.Spec {
	return annotation.Spec{TaskType: annotation.TaskType(t.Project.TaskType), Labels: t.Project.Labels, Width: t.Item.Width, Height: t.Item.Height}
}

// answerProblem turns the answer's validation errors into a problem that
// names each one.
func answerProblem(err error) error {
	var ve *annotation.ValidationError
	if errors.As(err, &ve) {
		fields := map[string]string{}
		for _, p := range ve.Problems {
			path := p.Path
			if path == "" {
				path = "answer"
			}
			fields[path] = p.Message
		}
		return &problem.Error{Kind: problem.Invalid, Message: "the answer is not valid", Fields: fields}
	}
	return &problem.Error{Kind: problem.Invalid, Message: "the answer is not valid: " + err.Error()}
}

// matchesGold decides whether an answer to a check question is right: the
// same label or choice; for shapes, every gold shape matched by one of the
// worker's with the same label and an overlap of at least one half, and no
// shape too many.
func matchesGold(a, g annotation.Answer) bool {
	switch {
	case g.Label != "":
		return a.Label == g.Label
	case g.Choice != "":
		return a.Choice == g.Choice
	case len(g.Boxes) > 0 || len(a.Boxes) > 0:
		return matchAll(len(g.Boxes), len(a.Boxes), func(i, j int) bool {
			return g.Boxes[i].Label == a.Boxes[j].Label && annotation.IoU(g.Boxes[i], a.Boxes[j]) >= 0.5
		})
	default:
		return matchAll(len(g.Polygons), len(a.Polygons), func(i, j int) bool {
			return g.Polygons[i].Label == a.Polygons[j].Label && annotation.PolygonIoU(g.Polygons[i], a.Polygons[j]) >= 0.5
		})
	}
}

// matchAll reports whether n gold shapes and m answer shapes pair up one
// to one under ok (greedy, which is exact when shapes do not overlap each
// other, as objects in one image rarely do at IoU ≥ 0.5).
func matchAll(n, m int, ok func(i, j int) bool) bool {
	if n != m {
		return false
	}
	used := make([]bool, m)
	for i := range n {
		found := false
		for j := range m {
			if !used[j] && ok(i, j) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
