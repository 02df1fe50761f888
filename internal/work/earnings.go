package work

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Earnings is a worker's honest account of their time: what they were paid
// for, what they spent unpaid, and the hourly rate that results.
type Earnings struct {
	// Points earned from work (tasks, top-ups, qualification).
	Points int64 `json:"points"`
	// PaidMS is the measured time of paid work; UnpaidMS the time spent
	// looking for work and on work that was rejected.
	PaidMS   int64 `json:"paid_ms"`
	UnpaidMS int64 `json:"unpaid_ms"`
	// PerHour is Points per hour of paid plus unpaid time: the effective
	// hourly rate.
	PerHour    int64            `json:"per_hour"`
	Projects   []ProjectEarning `json:"projects"`
	Days       []DayEarning     `json:"days"`
	PendingPay int64            `json:"pending_pay"` // submitted, not yet paid
	// The time broken down: QualificationMS is the part of PaidMS spent on
	// qualification questions (paid at the floor); SearchingMS (looking
	// for work) and RejectedMS (work that was rejected) make up UnpaidMS.
	QualificationMS int64 `json:"qualification_ms"`
	SearchingMS     int64 `json:"searching_ms"`
	RejectedMS      int64 `json:"rejected_ms"`
	// Income is everything the member was paid, by kind — annotation,
	// recordings, model calls, automation runs —, IncomeTotal its sum
	// (saturated: a display total), and Balance what their account holds
	// now: income less what they spent and what was paid out to them.
	Income      []reward.Income `json:"income"`
	IncomeTotal int64           `json:"income_total"`
	Balance     int64           `json:"balance"`
}

// ProjectEarning is the account for one project.
type ProjectEarning struct {
	Slug       string `json:"slug"`
	Name       string `json:"name"`
	Tasks      int    `json:"tasks"`
	Rejected   int    `json:"rejected"`
	Points     int64  `json:"points"`
	PaidMS     int64  `json:"paid_ms"`
	RejectedMS int64  `json:"rejected_ms"`
	PerHour    int64  `json:"per_hour"`
}

// DayEarning is one day of the chart.
type DayEarning struct {
	Day      string `json:"day"`
	Points   int64  `json:"points"`
	PaidMS   int64  `json:"paid_ms"`
	UnpaidMS int64  `json:"unpaid_ms"`
	PerHour  int64  `json:"per_hour"`
}

// perHour is the hourly rate of pts points earned in ms milliseconds. The
// product is taken in 128 bits; a rate beyond int64 (a few points in a
// millisecond of a huge payment) shows as the most an int64 holds.
func perHour(pts, ms int64) int64 {
	if ms <= 0 {
		return 0
	}
	r, err := points.MulDiv(pts, 3_600_000, ms)
	if err != nil {
		return math.MaxInt64
	}
	return r
}

// saturatedMul and saturatedAdd multiply and add amounts shown, not paid —
// the pay waiting for review — so that a project stored with a pay per
// task beyond its range (before ranges were enforced) shows the most an
// int64 holds instead of failing the page.
func saturatedMul(a, b int64) int64 {
	p, err := points.Mul(a, b)
	if err != nil {
		return saturate(a < 0 != (b < 0))
	}
	return p
}

func saturatedAdd(a, b int64) int64 {
	s, err := points.Add(a, b)
	if err != nil {
		return saturate(b < 0)
	}
	return s
}

func saturate(negative bool) int64 {
	if negative {
		return math.MinInt64
	}
	return math.MaxInt64
}

// Earnings adds up a worker's paid and unpaid time and points, per project
// and, for days above zero, per day for the last days. The per-project
// figures are kept in work_totals by triggers on assignments, so they cost
// a row per project the worker has worked on, not one per task; the days
// read only the tasks settled in them.
func (s *Service) Earnings(ctx context.Context, workerID int64, days int) (Earnings, error) {
	var e Earnings
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `
		SELECT p.slug, p.name, t.paid, t.rejected, t.points, t.paid_ms, t.rejected_ms, t.pending, p.pay_per_task
		FROM work_totals t JOIN projects p ON p.id = t.project_id
		WHERE t.worker_id = $1 AND t.paid + t.rejected + t.pending > 0
		ORDER BY p.name`, workerID)
	if err != nil {
		return Earnings{}, fmt.Errorf("earnings: %w", err)
	}
	for rows.Next() {
		var pe ProjectEarning
		var pending, pay int64
		if err := rows.Scan(&pe.Slug, &pe.Name, &pe.Tasks, &pe.Rejected, &pe.Points, &pe.PaidMS, &pe.RejectedMS, &pending, &pay); err != nil {
			rows.Close()
			return Earnings{}, err
		}
		pe.PerHour = perHour(pe.Points, pe.PaidMS+pe.RejectedMS)
		if e.Points, err = points.Add(e.Points, pe.Points); err != nil {
			rows.Close()
			return Earnings{}, fmt.Errorf("earnings: %w", err)
		}
		e.PaidMS += pe.PaidMS
		e.UnpaidMS += pe.RejectedMS
		e.PendingPay = saturatedAdd(e.PendingPay, saturatedMul(pending, pay))
		e.Projects = append(e.Projects, pe)
	}
	rows.Close()
	var browsing int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(ms), 0) FROM unpaid_time WHERE member_id = $1`, workerID).Scan(&browsing); err != nil {
		return Earnings{}, err
	}
	e.RejectedMS = e.UnpaidMS
	e.UnpaidMS += browsing
	e.SearchingMS = browsing
	e.PerHour = perHour(e.Points, e.PaidMS+e.UnpaidMS)
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(active_ms), 0) FROM assignments
		WHERE worker_id = $1 AND kind = 'qualification' AND status = 'paid'`, workerID).Scan(&e.QualificationMS); err != nil {
		return Earnings{}, fmt.Errorf("earnings: %w", err)
	}
	var publicID string
	if err := q.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, workerID).Scan(&publicID); err != nil {
		return Earnings{}, fmt.Errorf("earnings: %w", err)
	}
	account := reward.MemberAccount(publicID)
	if e.Income, err = s.reward.IncomeOf(ctx, account); err != nil {
		return Earnings{}, err
	}
	for _, in := range e.Income {
		e.IncomeTotal = saturatedAdd(e.IncomeTotal, in.Amount)
	}
	if e.Balance, err = s.reward.Balance(ctx, account); err != nil {
		return Earnings{}, err
	}
	if days <= 0 {
		return e, nil
	}

	// Per day: paid work by the day it was paid, unpaid time by its day.
	since := s.now().UTC().AddDate(0, 0, -days+1).Truncate(24 * time.Hour)
	byDay := map[string]*DayEarning{}
	for d := range days {
		day := since.AddDate(0, 0, d).Format(time.DateOnly)
		byDay[day] = &DayEarning{Day: day}
		e.Days = append(e.Days, DayEarning{Day: day})
	}
	rows, err = q.QueryContext(ctx, `SELECT status, pay + topup, active_ms, COALESCE(paid_at, submitted_at) FROM assignments
		WHERE worker_id = $1 AND status IN ('paid', 'rejected') AND COALESCE(paid_at, submitted_at) >= $2`, workerID, since.UnixMilli())
	if err != nil {
		return Earnings{}, err
	}
	for rows.Next() {
		var status string
		var pts, ms, at int64
		if err := rows.Scan(&status, &pts, &ms, &at); err != nil {
			rows.Close()
			return Earnings{}, err
		}
		d := byDay[store.Time(at).Format(time.DateOnly)]
		if d == nil {
			continue
		}
		if status == "paid" {
			d.Points = saturatedAdd(d.Points, pts)
			d.PaidMS += ms
		} else {
			d.UnpaidMS += ms
		}
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT day, ms FROM unpaid_time WHERE member_id = $1 AND day >= $2`, workerID, since.Format(time.DateOnly))
	if err != nil {
		return Earnings{}, err
	}
	for rows.Next() {
		var day string
		var ms int64
		if err := rows.Scan(&day, &ms); err != nil {
			rows.Close()
			return Earnings{}, err
		}
		if d := byDay[day]; d != nil {
			d.UnpaidMS += ms
		}
	}
	rows.Close()
	for i := range e.Days {
		d := byDay[e.Days[i].Day]
		d.PerHour = perHour(d.Points, d.PaidMS+d.UnpaidMS)
		e.Days[i] = *d
	}
	return e, nil
}

// Browsing records time a worker spends on the task list: looking for
// work is work nobody pays, and it belongs in the effective hourly rate.
func (s *Service) Browsing(ctx context.Context, workerID int64) error {
	now := s.now()
	day := now.UTC().Format(time.DateOnly)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var seen int64
		err := tx.QueryRowContext(ctx, `SELECT seen_at FROM unpaid_time WHERE member_id = $1 AND kind = 'browsing' AND day = $2`, workerID, day).Scan(&seen)
		if err != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO unpaid_time (member_id, kind, ms, day, seen_at) VALUES ($1, 'browsing', 0, $2, $3)
				ON CONFLICT (member_id, kind, day) DO NOTHING`, workerID, day, now.UnixMilli())
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE unpaid_time SET ms = ms + $3, seen_at = $4 WHERE member_id = $1 AND kind = 'browsing' AND day = $2`,
			workerID, day, elapsed(store.Time(seen), now), now.UnixMilli())
		return err
	})
}
