package work

import (
	"context"
	"fmt"
	"slices"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// pay pays one submitted assignment from the project's escrow: the
// project's pay per task, or — for qualification work — the pay floor for
// the time measured. Then it tops up the worker to the pay floor if the
// project pays less per hour than the floor at the worker's median time.
func (s *Service) pay(ctx context.Context, tx *store.Tx, assignmentID int64) error {
	var projectID, workerID, activeMS, pay int64
	var kind, status, workerPID string
	err := tx.QueryRowContext(ctx, `
		SELECT a.project_id, a.worker_id, a.kind, a.status, a.active_ms, p.pay_per_task, m.public_id
		FROM assignments a JOIN projects p ON p.id = a.project_id JOIN members m ON m.id = a.worker_id WHERE a.id = $1`, assignmentID).
		Scan(&projectID, &workerID, &kind, &status, &activeMS, &pay, &workerPID)
	if err != nil {
		return fmt.Errorf("pay assignment %d: %w", assignmentID, err)
	}
	if status == "paid" {
		return nil
	}
	floor, err := s.params.Get(ctx, tx, coop.PayFloor)
	if err != nil {
		return err
	}
	if kind == "qualification" {
		if pay, err = floorPay(floor, activeMS); err != nil {
			return fmt.Errorf("pay assignment %d: %w", assignmentID, err)
		}
	}
	if pay > 0 {
		_, err = s.reward.Transfer(ctx, tx, ledger.Event{
			Type: ledger.TaskPaid, MemberID: workerID, Scope: fmt.Sprintf("project:%d", projectID),
			Postings: []ledger.Posting{{Account: reward.EscrowAccount(projectID), Amount: -pay}, {Account: reward.MemberAccount(workerPID), Amount: pay}},
			Content:  map[string]any{"assignment": assignmentID, "kind": kind, "active_ms": activeMS},
		})
		if err != nil {
			return fmt.Errorf("pay assignment %d: %w", assignmentID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'paid', pay = $2, paid_at = $3 WHERE id = $1`, assignmentID, pay, s.now().UnixMilli()); err != nil {
		return err
	}
	if kind == "qualification" {
		return nil // already paid at the floor
	}
	if err := s.topUp(ctx, tx, projectID, workerID, workerPID, floor); err != nil {
		return err
	}
	return s.measure(ctx, tx, projectID)
}

// topUp pays a worker the difference to the pay floor over all their paid
// tasks in the project: the floor applies per worker per project, at the
// worker's median measured time, so one slow task neither triggers nor
// hides a shortfall.
func (s *Service) topUp(ctx context.Context, tx *store.Tx, projectID, workerID int64, workerPID string, floor int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT active_ms, pay, topup FROM assignments
		WHERE project_id = $1 AND worker_id = $2 AND status = 'paid' AND kind <> 'qualification'`, projectID, workerID)
	if err != nil {
		return err
	}
	var times []int64
	var paid, toppedUp int64
	for rows.Next() {
		var ms, pay, top int64
		if err := rows.Scan(&ms, &pay, &top); err != nil {
			rows.Close()
			return err
		}
		times = append(times, ms)
		if paid, err = points.Add(paid, pay); err == nil {
			toppedUp, err = points.Add(toppedUp, top)
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("top up worker %d: %w", workerID, err)
		}
	}
	rows.Close()
	if len(times) == 0 {
		return nil
	}
	due, err := floorDue(floor, median(times), int64(len(times)), paid, toppedUp)
	if err != nil {
		return fmt.Errorf("top up worker %d: %w", workerID, err)
	}
	if due <= 0 {
		return nil
	}
	// The escrow pays what it can; what it cannot is owed by the
	// requester and shown as a shortfall on the project page.
	bal, err := reward.BalanceTx(ctx, tx, reward.EscrowAccount(projectID))
	if err != nil {
		return err
	}
	due = min(due, bal)
	if due <= 0 {
		return nil
	}
	_, err = s.reward.Transfer(ctx, tx, ledger.Event{
		Type: ledger.TaskPaid, MemberID: workerID, Scope: fmt.Sprintf("project:%d", projectID),
		Postings: []ledger.Posting{{Account: reward.EscrowAccount(projectID), Amount: -due}, {Account: reward.MemberAccount(workerPID), Amount: due}},
		Content:  map[string]any{"topup": "pay floor", "floor_per_hour": floor, "median_ms": median(times), "tasks": len(times)},
	})
	if err != nil {
		return fmt.Errorf("top up worker %d: %w", workerID, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE assignments SET topup = topup + $3 WHERE id = (
		SELECT max(id) FROM assignments WHERE project_id = $1 AND worker_id = $2 AND status = 'paid')`, projectID, workerID, due)
	return err
}

// MinMeasuredWorkers is how many different workers must have been paid
// for a task of a project before its median measured time replaces the
// requester's estimate: one fast or slow worker is not a measurement of
// the task.
const MinMeasuredWorkers = 5

// measure sets the project's advertised duration to the median measured
// time of its paid tasks once they come from MinMeasuredWorkers different
// workers, so that the hourly rate shown to the next worker is the real
// one, not the requester's guess; before that the estimate stays, and is
// shown as one.
func (s *Service) measure(ctx context.Context, tx *store.Tx, projectID int64) error {
	var workers int
	if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT worker_id) FROM assignments WHERE project_id = $1 AND status = 'paid' AND kind <> 'qualification'`,
		projectID).Scan(&workers); err != nil {
		return err
	}
	if workers < MinMeasuredWorkers {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT active_ms FROM assignments WHERE project_id = $1 AND status = 'paid' AND kind <> 'qualification'`, projectID)
	if err != nil {
		return err
	}
	var times []int64
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			rows.Close()
			return err
		}
		times = append(times, ms)
	}
	rows.Close()
	if len(times) == 0 {
		return nil
	}
	secs := max(1, (median(times)+999)/1000)
	_, err = tx.ExecContext(ctx, `UPDATE projects SET measured_seconds = $2 WHERE id = $1`, projectID, secs)
	return err
}

// PayDue pays every submission whose review window has closed. The server
// runs it as a periodic job; it is safe to run concurrently and repeatedly.
func (s *Service) PayDue(ctx context.Context) (int, error) {
	now := s.now().UnixMilli()
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id FROM assignments a JOIN projects p ON p.id = a.project_id
		WHERE a.status = 'submitted' AND a.submitted_at + p.review_hours * 3600000 <= $1 ORDER BY a.id`, now)
	if err != nil {
		return 0, fmt.Errorf("pay due: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	paid := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM assignments WHERE id = $1`, id).Scan(&status); err != nil {
				return err
			}
			if status != "submitted" { // rejected or paid meanwhile
				return nil
			}
			paid++
			return s.pay(ctx, tx, id)
		})
		if err != nil {
			return paid, err
		}
	}
	return paid, nil
}

func median(v []int64) int64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// floorPay is the pay floor's worth of ms milliseconds of work, rounded up
// to the next point.
func floorPay(floor, ms int64) (int64, error) {
	if floor <= 0 || ms <= 0 {
		return 0, nil
	}
	return points.MulDivUp(floor, ms, 3_600_000)
}

// floorDue is what a worker is still owed to reach the pay floor over
// tasks tasks at the median time, after paid and toppedUp; computed
// checked, since pay and times come from the project and the worker.
func floorDue(floor, medianMS, tasks, paid, toppedUp int64) (int64, error) {
	perTask, err := floorPay(floor, medianMS)
	if err != nil {
		return 0, err
	}
	due, err := points.Mul(perTask, tasks)
	if err != nil {
		return 0, err
	}
	if due, err = points.Sub(due, paid); err != nil {
		return 0, err
	}
	return points.Sub(due, toppedUp)
}
