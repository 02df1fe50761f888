package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Timing rules. A task not touched for ExpireAfter goes back to the pool;
// gaps between signs of life longer than IdleCap count as IdleCap, so a
// task left open over lunch is not paid as work, and a worker who is
// reading the instructions is.
const (
	ExpireAfter = 30 * time.Minute
	IdleCap     = 60 * time.Second
	// MinGoldAnswers is how many check questions a worker answers before
	// their accuracy can stop them: one early slip must not.
	MinGoldAnswers = 3
)

// Assignment is a task given to a worker.
type Assignment struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"-"`
	ItemID    int64  `json:"-"`
	Kind      string `json:"kind"` // task, gold or qualification — shown to the worker only as "task" or "qualification"
	Status    string `json:"status"`
	ActiveMS  int64  `json:"active_ms"`
}

// Eligibility explains whether a worker gets tasks from a project, and why
// not — never silently.
type Eligibility struct {
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
	// Qualifying is set while the worker still answers qualification
	// items (paid at the pay floor).
	Qualifying bool `json:"qualifying,omitempty"`
}

// Eligible tells whether a worker may take tasks from a project now.
func (s *Service) Eligible(ctx context.Context, workerID int64, p Project) (Eligibility, error) {
	q := s.db.Read()
	if p.Status != "approved" {
		return Eligibility{Reason: "the project is not open for work"}, nil
	}
	if rid, err := s.RequesterID(ctx, p.ID); err == nil && rid == workerID {
		return Eligibility{Reason: "requesters do not annotate their own projects"}, nil
	}
	if p.QualificationItems > 0 {
		done, correct, err := s.goldScore(ctx, q, workerID, p.ID, "qualification")
		if err != nil {
			return Eligibility{}, err
		}
		if done < p.QualificationItems {
			return Eligibility{OK: true, Qualifying: true}, nil
		}
		if float64(correct) < p.QualificationMin*float64(done) {
			return Eligibility{Reason: fmt.Sprintf("your qualification answers matched %d of %d (%.0f%%); this project needs %.0f%%. Your qualification time was paid.",
				correct, done, 100*float64(correct)/float64(done), 100*p.QualificationMin)}, nil
		}
	}
	done, correct, err := s.goldScore(ctx, q, workerID, p.ID, "gold")
	if err != nil {
		return Eligibility{}, err
	}
	if done >= MinGoldAnswers && float64(correct) < p.MinGoldAccuracy*float64(done) {
		return Eligibility{Reason: fmt.Sprintf("your answers to the project's check questions matched %d of %d (%.0f%%), below the %.0f%% it needs, so it gives you no more tasks. Your submitted work is still paid.",
			correct, done, 100*float64(correct)/float64(done), 100*p.MinGoldAccuracy)}, nil
	}
	return Eligibility{OK: true}, nil
}

// goldScore counts a worker's answered check (or qualification) items and
// how many matched.
func (s *Service) goldScore(ctx context.Context, q store.Querier, workerID, projectID int64, kind string) (done, correct int, err error) {
	err = q.QueryRowContext(ctx, `
		SELECT count(*), COALESCE(sum(CASE WHEN correct THEN 1 ELSE 0 END), 0) FROM assignments
		WHERE worker_id = $1 AND project_id = $2 AND kind = $3 AND status NOT IN ('assigned', 'expired')`,
		workerID, projectID, kind).Scan(&done, &correct)
	if err != nil {
		return 0, 0, fmt.Errorf("gold score: %w", err)
	}
	return done, correct, nil
}

// Next gives a worker their next task in a project: the one they left open,
// or a new item they have never seen — a qualification item first if the
// project has a test, now and then a check question, otherwise the item
// closest to its redundancy target.
func (s *Service) Next(ctx context.Context, workerID int64, slug string) (Assignment, error) {
	p, err := s.BySlug(ctx, slug)
	if err != nil {
		return Assignment{}, err
	}
	el, err := s.Eligible(ctx, workerID, p)
	if err != nil {
		return Assignment{}, err
	}
	if !el.OK {
		return Assignment{}, problem.New(problem.Forbidden, "%s", el.Reason)
	}
	now := s.now()
	var a Assignment
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'expired' WHERE worker_id = $1 AND status = 'assigned' AND seen_at < $2`,
			workerID, now.Add(-ExpireAfter).UnixMilli()); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT id, kind, status, active_ms FROM assignments WHERE worker_id = $1 AND project_id = $2 AND status = 'assigned' ORDER BY id LIMIT 1`,
			workerID, p.ID).Scan(&a.ID, &a.Kind, &a.Status, &a.ActiveMS)
		if err == nil {
			a.ProjectID = p.ID
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := s.checkEscrow(ctx, tx, p); err != nil {
			return err
		}
		item, kind, err := s.pick(ctx, tx, workerID, p, el.Qualifying)
		if err != nil {
			return err
		}
		a = Assignment{ProjectID: p.ID, ItemID: item, Kind: kind, Status: "assigned"}
		return tx.QueryRowContext(ctx, `
			INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at)
			VALUES ($1, $2, $3, $4, 'assigned', $5, $5) RETURNING id`, p.ID, item, workerID, kind, now.UnixMilli()).Scan(&a.ID)
	})
	if store.IsUniqueViolation(err) {
		// Another request of the same worker took the item a moment ago.
		return s.Next(ctx, workerID, slug)
	}
	return a, err
}

// checkEscrow refuses new tasks when the escrow could not pay for them
// next to the work already done but not yet paid.
func (s *Service) checkEscrow(ctx context.Context, tx *store.Tx, p Project) error {
	ok, err := s.escrowCovers(ctx, tx, p, 1)
	if err != nil {
		return err
	}
	if !ok {
		return problem.New(problem.Conflict, "the project's escrow is used up: the requester must add budget before there is more work")
	}
	return nil
}

// escrowCovers says whether the project's escrow pays, at p's pay per
// task, every task taken and not yet paid and extra more.
func (s *Service) escrowCovers(ctx context.Context, tx *store.Tx, p Project, extra int64) (bool, error) {
	bal, err := reward.BalanceTx(ctx, tx, reward.EscrowAccount(p.ID))
	if err != nil {
		return false, err
	}
	var open int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assignments WHERE project_id = $1 AND status IN ('assigned', 'submitted', 'review', 'appealed')`, p.ID).Scan(&open); err != nil {
		return false, err
	}
	// Checked: a pay per task beyond its range (an old row) makes the
	// product overflow, and an overflowing need is not covered either.
	need, err := points.Mul(open+extra, p.PayPerTask)
	return err == nil && bal >= need, nil
}

func (s *Service) pick(ctx context.Context, tx *store.Tx, workerID int64, p Project, qualifying bool) (int64, string, error) {
	unseen := `NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = $2)`
	var id int64
	if qualifying {
		err := tx.QueryRowContext(ctx, `SELECT i.id FROM items i WHERE i.project_id = $1 AND i.qualification AND i.gold IS NOT NULL AND `+unseen+` ORDER BY i.id LIMIT 1`,
			p.ID, workerID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", problem.New(problem.Conflict, "the project's qualification test has too few questions; tell the requester")
		}
		return id, "qualification", err
	}
	if p.GoldRate > 0 && rand.Float64() < p.GoldRate {
		err := tx.QueryRowContext(ctx, `SELECT i.id FROM items i WHERE i.project_id = $1 AND NOT i.qualification AND i.gold IS NOT NULL AND `+unseen+` ORDER BY i.id LIMIT 1`,
			p.ID, workerID).Scan(&id)
		if err == nil {
			return id, "gold", nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", err
		}
	}
	answers := `(SELECT count(*) FROM assignments a WHERE a.item_id = i.id AND a.status NOT IN ('expired', 'rejected'))`
	err := tx.QueryRowContext(ctx, `
		SELECT i.id FROM items i
		WHERE i.project_id = $1 AND i.gold IS NULL AND i.erased_at IS NULL AND `+unseen+` AND `+answers+` < $3
		ORDER BY `+answers+` DESC, i.id LIMIT 1`, p.ID, workerID, p.Redundancy).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", problem.New(problem.NotFound, "there are no tasks left for you in this project: every item has its answers, or you have seen them all")
	}
	return id, "task", err
}
