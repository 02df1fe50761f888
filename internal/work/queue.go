package work

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Waiting is what waits for a steward in annotation work — draft projects
// to approve, rejections held because a requester rejected more than the
// project allows, and workers' appeals — each as the oldest few and how
// many there are in all.
type Waiting struct {
	Drafts      []Project `json:"drafts"`
	DraftCount  int       `json:"draft_count"`
	Held        []Pending `json:"held"`
	HeldCount   int       `json:"held_count"`
	Appeals     []Pending `json:"appeals"`
	AppealCount int       `json:"appeal_count"`
}

// Waiting lists, to a steward, the oldest limit of each kind of decision
// waiting for stewards, and how many of each there are. It reads along
// the indexes of projects by status and of tasks in review, so a
// steward's dashboard costs the same however much work is done.
func (s *Service) Waiting(ctx context.Context, actor member.Member, limit int) (Waiting, error) {
	if !actor.IsSteward() {
		return Waiting{}, problem.New(problem.Forbidden, "only stewards decide on drafts, held rejections and appeals")
	}
	var w Waiting
	q := s.db.Read()
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE status = 'draft'`).Scan(&w.DraftCount); err != nil {
		return Waiting{}, fmt.Errorf("waiting: %w", err)
	}
	// Grouped, so that only the partial index of tasks in review is read.
	counts, err := q.QueryContext(ctx, `SELECT status, count(*) FROM assignments WHERE status IN ('review', 'appealed') GROUP BY status`)
	if err != nil {
		return Waiting{}, fmt.Errorf("waiting: %w", err)
	}
	for counts.Next() {
		var status string
		var n int
		if err := counts.Scan(&status, &n); err != nil {
			counts.Close()
			return Waiting{}, err
		}
		if status == "review" {
			w.HeldCount = n
		} else {
			w.AppealCount = n
		}
	}
	counts.Close()
	if err := counts.Err(); err != nil {
		return Waiting{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+projectSummaryColumns+` FROM projects p JOIN members m ON m.id = p.requester_id
		WHERE p.status = 'draft' ORDER BY p.id LIMIT $1`, limit)
	if err != nil {
		return Waiting{}, fmt.Errorf("waiting drafts: %w", err)
	}
	for rows.Next() {
		var p Project
		var labels string
		var created int64
		if err := rows.Scan(projectFields(&p, &labels, &created)...); err != nil {
			rows.Close()
			return Waiting{}, fmt.Errorf("waiting drafts: %w", err)
		}
		if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
			rows.Close()
			return Waiting{}, fmt.Errorf("project %d labels: %w", p.ID, err)
		}
		p.CreatedAt = store.Time(created)
		w.Drafts = append(w.Drafts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Waiting{}, err
	}
	for _, k := range []struct {
		status string
		dst    *[]Pending
	}{{"review", &w.Held}, {"appealed", &w.Appeals}} {
		rows, err := q.QueryContext(ctx, `
			SELECT a.id, p.slug, p.name, m.public_id, a.status, COALESCE(a.submitted_at, 0) FROM assignments a
			JOIN projects p ON p.id = a.project_id JOIN members m ON m.id = a.worker_id
			WHERE a.status IN ('review', 'appealed') AND a.status = $1 ORDER BY a.id LIMIT $2`, k.status, limit)
		if err != nil {
			return Waiting{}, fmt.Errorf("waiting %s: %w", k.status, err)
		}
		for rows.Next() {
			var p Pending
			var at int64
			if err := rows.Scan(&p.AssignmentID, &p.Project, &p.ProjectName, &p.Worker, &p.Status, &at); err != nil {
				rows.Close()
				return Waiting{}, err
			}
			p.SubmittedAt = store.Time(at)
			*k.dst = append(*k.dst, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Waiting{}, err
		}
	}
	return w, nil
}
