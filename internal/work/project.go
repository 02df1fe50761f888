// Package work runs annotation projects: what a requester wants labelled,
// for which client and purpose, at what pay — the information click workers
// elsewhere are denied — and the items to label.
package work

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// TaskType is what a worker does with an item.
type TaskType string

const (
	ImageClassification TaskType = "image_classification"
	BoundingBox         TaskType = "bounding_box"
	Polygon             TaskType = "polygon"
	TextClassification  TaskType = "text_classification"
	Pairwise            TaskType = "pairwise"
)

// Project is an annotation project.
type Project struct {
	ID           int64
	Slug         string
	Name         string
	Client       string
	Purpose      string
	TaskType     TaskType
	Labels       []string
	Instructions string
	Redundancy   int
	// PayPerTask is in points; 100 points are one unit of the currency.
	PayPerTask int64
	Status     string
	Items      int
	CreatedAt  time.Time
}

// Service is the annotation work of the cooperative.
type Service struct {
	db    *store.DB
	blobs *store.Blobs
}

// NewService returns the work service.
func NewService(db *store.DB, blobs *store.Blobs) *Service { return &Service{db: db, blobs: blobs} }

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Create adds a project in draft; a steward approves it before workers see it.
func (s *Service) Create(ctx context.Context, requesterID int64, p Project) (Project, error) {
	f := problem.Fields{}
	if !slugPattern.MatchString(p.Slug) || len(p.Slug) > 60 {
		f.Add("slug", "lowercase letters, digits and dashes, at most 60")
	}
	for field, v := range map[string]string{"name": p.Name, "client": p.Client, "purpose": p.Purpose, "instructions": p.Instructions} {
		if strings.TrimSpace(v) == "" {
			f.Add(field, "is required")
		}
	}
	switch p.TaskType {
	case ImageClassification, BoundingBox, Polygon, TextClassification, Pairwise:
	default:
		f.Add("task_type", "unknown task type")
	}
	if len(p.Labels) == 0 && p.TaskType != Pairwise {
		f.Add("labels", "at least one label")
	}
	if p.Redundancy <= 0 {
		p.Redundancy = 3
	}
	if p.PayPerTask < 0 {
		f.Add("pay_per_task", "cannot be negative")
	}
	if err := f.Err(); err != nil {
		return Project{}, err
	}
	labels, _ := json.Marshal(p.Labels)
	p.Status = "draft"
	p.CreatedAt = time.Now().UTC()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO projects (slug, name, client, purpose, task_type, labels, instructions, redundancy, pay_per_task, status, requester_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			p.Slug, p.Name, p.Client, p.Purpose, string(p.TaskType), string(labels), p.Instructions, p.Redundancy, p.PayPerTask, p.Status, requesterID, p.CreatedAt.UnixMilli()).Scan(&p.ID)
	})
	if store.IsUniqueViolation(err) {
		return Project{}, &problem.Error{Kind: problem.Conflict, Message: "a project with this slug exists", Fields: map[string]string{"slug": "taken"}}
	}
	if err != nil {
		return Project{}, fmt.Errorf("create project: %w", err)
	}
	return p, nil
}

// Approve lets workers see a project.
func (s *Service) Approve(ctx context.Context, projectID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE projects SET status = 'approved' WHERE id = $1`, projectID)
		return err
	})
}

// AddImage stores an image and adds it to a project as an item.
func (s *Service) AddImage(ctx context.Context, projectID int64, name, mediaType string, width, height int, r io.Reader) error {
	hash, _, err := s.blobs.Put(r)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO items (project_id, blob, media_type, name, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			projectID, hash, mediaType, name, width, height, store.Now())
		return err
	})
}

// Approved lists the projects workers can take tasks from.
func (s *Service) Approved(ctx context.Context) ([]Project, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT p.id, p.slug, p.name, p.client, p.purpose, p.task_type, p.labels, p.instructions, p.redundancy, p.pay_per_task, p.status, p.created_at,
		       (SELECT count(*) FROM items i WHERE i.project_id = p.id)
		FROM projects p WHERE p.status = 'approved' ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var labels string
		var created int64
		if err := rows.Scan(&p.ID, &p.Slug, &p.Name, &p.Client, &p.Purpose, &p.TaskType, &labels, &p.Instructions, &p.Redundancy, &p.PayPerTask, &p.Status, &created, &p.Items); err != nil {
			return nil, fmt.Errorf("list projects: %w", err)
		}
		if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
			return nil, fmt.Errorf("project %d labels: %w", p.ID, err)
		}
		p.CreatedAt = store.Time(created)
		out = append(out, p)
	}
	return out, rows.Err()
}
