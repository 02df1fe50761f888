package work_test

import (
	"math"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestEarningsMatchTheTasks checks the kept per-project totals against the
// tasks themselves after work of every outcome: paid with top-ups to the
// floor (which change a paid task's top-up later), rejected, and waiting
// for review, in two projects.
func TestEarningsMatchTheTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		fast := e.project(t, work.Project{Slug: "fast", PayPerTask: 10, EstSeconds: 20, ReviewHours: 0, Redundancy: 1}, 3, nil, nil)
		slow := e.project(t, work.Project{Slug: "slow", PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 0.5}, 4, nil, nil)
		for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 30 * time.Second} {
			e.work(t, "ada", fast.Slug, d, "positive")
		}
		var tasks []work.Task
		for range 3 {
			tasks = append(tasks, e.work(t, "ada", slow.Slug, 40*time.Second, "positive"))
		}
		if _, err := e.s.Reject(ctx, e.as("rita"), tasks[0].ID, "instructions", "The instructions say to pick negative for reviews that mention a refund."); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Earnings(ctx, e.ids["ada"], 7)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Read().QueryContext(ctx, `
			SELECT p.slug,
			       sum(CASE WHEN a.status = 'paid' THEN 1 ELSE 0 END), sum(CASE WHEN a.status = 'rejected' THEN 1 ELSE 0 END),
			       sum(CASE WHEN a.status = 'paid' THEN a.pay + a.topup ELSE 0 END),
			       sum(CASE WHEN a.status = 'paid' THEN a.active_ms ELSE 0 END), sum(CASE WHEN a.status = 'rejected' THEN a.active_ms ELSE 0 END),
			       sum(CASE WHEN a.status IN ('submitted', 'review', 'appealed') THEN p.pay_per_task ELSE 0 END)
			FROM assignments a JOIN projects p ON p.id = a.project_id
			WHERE a.worker_id = $1 AND a.status NOT IN ('assigned', 'expired') GROUP BY p.slug ORDER BY p.slug`, e.ids["ada"])
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var pending int64
		byslug := map[string]work.ProjectEarning{}
		for _, pe := range got.Projects {
			byslug[pe.Slug] = pe
		}
		n := 0
		for rows.Next() {
			var want work.ProjectEarning
			var pend int64
			if err := rows.Scan(&want.Slug, &want.Tasks, &want.Rejected, &want.Points, &want.PaidMS, &want.RejectedMS, &pend); err != nil {
				t.Fatal(err)
			}
			pending += pend
			n++
			g := byslug[want.Slug]
			want.Name, want.PerHour = g.Name, g.PerHour
			if g != want {
				t.Errorf("project %s: earnings say %+v, the tasks %+v", want.Slug, g, want)
			}
		}
		if n != 2 || len(got.Projects) != 2 || got.PendingPay != pending || pending == 0 {
			t.Fatalf("%d projects in earnings, %d in the tasks; pending pay %d, the tasks %d", len(got.Projects), n, got.PendingPay, pending)
		}
	})
}

// TestPendingPaySaturates: the pay waiting for review is the tasks times
// the project's pay per task. A project stored with a pay per task beyond
// its range (before ranges were enforced) made that product overflow, and
// the earnings page failed; it now shows the most an int64 holds.
func TestPendingPaySaturates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		slow := e.project(t, work.Project{Slug: "slow", PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 0.5}, 3, nil, nil)
		for range 3 {
			e.work(t, "ada", slow.Slug, 40*time.Second, "positive")
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE projects SET pay_per_task = $1 WHERE slug = 'slow'`, int64(math.MaxInt64/2+1))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Earnings(ctx, e.ids["ada"], 7)
		if err != nil {
			t.Fatalf("the earnings page failed: %v", err)
		}
		if got.PendingPay != math.MaxInt64 {
			t.Fatalf("pending pay %d, want the int64 maximum", got.PendingPay)
		}
	})
}
