package work

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// MyTask is one of a worker's tasks in their own list: where it stands,
// and the last word said about it.
type MyTask struct {
	ID          int64  `json:"id"`
	Project     string `json:"project"`
	ProjectName string `json:"project_name"`
	Item        string `json:"item"`
	Kind        string `json:"kind"` // task or qualification: a check question is a task to its worker
	Status      string `json:"status"`
	// State is the status as the worker reads it: in progress, submitted,
	// held, under review, paid, rejected, returned, skipped or expired.
	State    string `json:"state"`
	Pay      int64  `json:"pay"`
	ActiveMS int64  `json:"active_ms"`
	// Reason is the last review's text: the rejection, or the steward's
	// ruling.
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// States lists the states of MyTask that a worker can filter by, in the
// order a task passes through them.
var States = []string{"in progress", "submitted", "held", "under review", "paid", "rejected", "returned", "skipped", "expired"}

// stateWhere is the condition on assignments a (status, ended) that finds
// one state.
var stateWhere = map[string]string{
	"in progress":  `a.status = 'assigned'`,
	"submitted":    `a.status = 'submitted'`,
	"held":         `a.status = 'review'`,
	"under review": `a.status = 'appealed'`,
	"paid":         `a.status = 'paid'`,
	"rejected":     `a.status = 'rejected'`,
	"returned":     `a.status = 'expired' AND a.ended = 'returned'`,
	"skipped":      `a.status = 'expired' AND a.ended = 'skipped'`,
	"expired":      `a.status = 'expired' AND a.ended IS NULL`,
}

func state(status string, ended *string) string {
	switch status {
	case "assigned":
		return "in progress"
	case "review":
		return "held"
	case "appealed":
		return "under review"
	case "expired":
		if ended != nil {
			return *ended
		}
	}
	return status
}

// MyTasks lists a page of a worker's own tasks, newest first, in one
// state or (state "") all, with the next page's cursor.
func (s *Service) MyTasks(ctx context.Context, workerID int64, st string, page store.Page) ([]MyTask, string, error) {
	where := "TRUE"
	if st != "" {
		w, ok := stateWhere[st]
		if !ok {
			return nil, "", &problem.Error{Kind: problem.Invalid, Message: "no such state of a task: " + strconv.Quote(st),
				Fields: map[string]string{"state": "one of in progress, submitted, held, under review, paid, rejected, returned, skipped, expired"}}
		}
		where = w
	}
	before, err := page.ID("a task id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id, p.slug, p.name, i.name, a.kind, a.status, a.ended, a.pay + a.topup, a.active_ms,
		       COALESCE(a.paid_at, a.submitted_at, a.seen_at),
		       COALESCE((SELECT r.text FROM task_reviews r WHERE r.assignment_id = a.id ORDER BY r.id DESC LIMIT 1), '')
		FROM assignments a JOIN projects p ON p.id = a.project_id JOIN items i ON i.id = a.item_id
		WHERE a.worker_id = $1 AND a.id < $2 AND `+where+` ORDER BY a.id DESC LIMIT $3`, workerID, before, page.Fetch())
	if err != nil {
		return nil, "", fmt.Errorf("my tasks: %w", err)
	}
	defer rows.Close()
	var out []MyTask
	for rows.Next() {
		var t MyTask
		var ended *string
		var at int64
		if err := rows.Scan(&t.ID, &t.Project, &t.ProjectName, &t.Item, &t.Kind, &t.Status, &ended, &t.Pay, &t.ActiveMS, &at, &t.Reason); err != nil {
			return nil, "", err
		}
		if t.Kind == "gold" {
			t.Kind = "task" // a check question is not announced as one
		}
		t.State, t.At = state(t.Status, ended), store.Time(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Cut(page, out, func(t MyTask) string { return strconv.FormatInt(t.ID, 10) })
	return out, next, nil
}

// InProgress lists the tasks a worker has open and can still submit, so
// that the task list leads back to them.
func (s *Service) InProgress(ctx context.Context, workerID int64) ([]MyTask, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id, p.slug, p.name, i.name, a.kind, a.active_ms, a.seen_at
		FROM assignments a JOIN projects p ON p.id = a.project_id JOIN items i ON i.id = a.item_id
		WHERE a.worker_id = $1 AND a.status = 'assigned' AND a.seen_at >= $2 ORDER BY a.id LIMIT 20`,
		workerID, s.now().Add(-ExpireAfter).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("tasks in progress: %w", err)
	}
	defer rows.Close()
	var out []MyTask
	for rows.Next() {
		t := MyTask{Status: "assigned", State: "in progress"}
		var at int64
		if err := rows.Scan(&t.ID, &t.Project, &t.ProjectName, &t.Item, &t.Kind, &t.ActiveMS, &at); err != nil {
			return nil, err
		}
		if t.Kind == "gold" {
			t.Kind = "task"
		}
		t.At = store.Time(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// How a worker gives a task up.
const (
	// Return gives the task back: the worker does not want to do it.
	Return = "returned"
	// Skip passes on an item the worker cannot answer (unreadable, not
	// what the instructions describe).
	Skip = "skipped"
)

// GiveBack ends one of the worker's open tasks without an answer: the
// item goes back to the pool for other workers and is not offered to
// this worker again. Nothing is paid, and the time measured on the task
// is recorded as unpaid time of its kind (returned or skipped), so the
// effective hourly rate stays honest. Qualification questions cannot be
// given back: passing on the hard ones would make the test meaningless.
func (s *Service) GiveBack(ctx context.Context, workerID, assignmentID int64, how string) (Task, error) {
	if how != Return && how != Skip {
		return Task{}, &problem.Error{Kind: problem.Invalid, Message: "say how the task is given back", Fields: map[string]string{"how": "returned or skipped"}}
	}
	t, err := s.Task(ctx, workerID, assignmentID)
	if err != nil {
		return Task{}, err
	}
	if t.Status != "assigned" {
		return Task{}, problem.New(problem.Conflict, "this task was already %s", t.Status)
	}
	if t.Kind == "qualification" {
		return Task{}, problem.New(problem.Conflict, "a qualification question cannot be returned or skipped: answer it as well as you can (it is paid at the floor)")
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var seen, active int64
		if err := tx.QueryRowContext(ctx, `SELECT seen_at, active_ms FROM assignments WHERE id = $1`, t.ID).Scan(&seen, &active); err != nil {
			return err
		}
		ms := active + elapsed(store.Time(seen), now)
		res, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'expired', ended = $2, active_ms = $3, seen_at = $4 WHERE id = $1 AND status = 'assigned'`,
			t.ID, how, ms, now.UnixMilli())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "this task was submitted or given back a moment ago")
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO unpaid_time (member_id, project_id, kind, ms, day, seen_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (member_id, kind, day) DO UPDATE SET ms = unpaid_time.ms + excluded.ms, seen_at = excluded.seen_at`,
			workerID, t.ProjectID, how, ms, now.UTC().Format(time.DateOnly), now.UnixMilli())
		return err
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, workerID, assignmentID)
}
