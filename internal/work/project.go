// Package work runs annotation projects the way click work should run:
// workers see the client, the purpose, the pay and an honest time estimate
// before they accept; time is measured on the server; qualification is
// paid; every worker is paid at least the cooperative's pay floor per hour
// of measured work, topped up from the requester's escrow when a project
// pays less; rejections need a written reason and can be appealed.
package work

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
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

// Describe says in words what a worker does in a task of this type.
func (t TaskType) Describe() string {
	switch t {
	case ImageClassification:
		return "classify images"
	case BoundingBox:
		return "draw boxes on images"
	case Polygon:
		return "outline objects on images"
	case TextClassification:
		return "classify texts"
	case Pairwise:
		return "pick the better of two texts"
	}
	return string(t)
}

// Project is an annotation project.
type Project struct {
	ID           int64    `json:"-"`
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	Client       string   `json:"client"`
	Purpose      string   `json:"purpose"`
	TaskType     TaskType `json:"task_type"`
	Labels       []string `json:"labels"`
	Instructions string   `json:"instructions"`
	Redundancy   int      `json:"redundancy"`
	// PayPerTask is in points; 100 points are one unit of the currency.
	PayPerTask int64 `json:"pay_per_task"`
	// EstSeconds is the requester's estimate of a task's duration;
	// MeasuredSeconds, once known, is the median measured time, which then
	// replaces the estimate wherever a rate is shown.
	EstSeconds      int     `json:"est_seconds"`
	MeasuredSeconds int     `json:"measured_seconds,omitempty"`
	Budget          int64   `json:"budget"`
	GoldRate        float64 `json:"gold_rate"`
	MinGoldAccuracy float64 `json:"min_gold_accuracy"`
	// QualificationItems is how many qualification items a worker answers
	// (paid at the floor rate) before real tasks; 0 means none.
	QualificationItems int     `json:"qualification_items"`
	QualificationMin   float64 `json:"qualification_min"`
	// ReviewHours is how long the requester may review a submission
	// before it is paid: the project's stated payout time.
	ReviewHours    int       `json:"review_hours"`
	MaxRejectShare float64   `json:"max_reject_share"`
	Status         string    `json:"status"`
	Requester      string    `json:"requester"`
	Items          int       `json:"items"`
	Done           int       `json:"done"`
	CreatedAt      time.Time `json:"created_at"`
	// Examples are the ids of the example images its instructions show.
	Examples []int64 `json:"examples,omitempty"`
	// ExportFormats are the formats its results can be exported in.
	ExportFormats []Format `json:"export_formats,omitempty"`
}

// Seconds is the duration a task is expected to take: measured once
// known, the requester's estimate before.
func (p Project) Seconds() int {
	if p.MeasuredSeconds > 0 {
		return p.MeasuredSeconds
	}
	return max(p.EstSeconds, 1)
}

// HourlyRate is what the project pays per hour at the expected duration,
// in points.
// A pay outside its range (a row older than the range) shows as the most
// an int64 holds rather than a wrapped number.
func (p Project) HourlyRate() int64 {
	r, err := points.MulDiv(p.PayPerTask, 3600, int64(p.Seconds()))
	if err != nil {
		return math.MaxInt64
	}
	return r
}

// Service is the annotation work of the cooperative.
type Service struct {
	db     *store.DB
	blobs  store.Blobs
	reward *reward.Service
	params *coop.Params
	now    func() time.Time
	// mailer sends the opt-in news digests; nil when the cooperative
	// configured no e-mail.
	mailer Mailer
	// currency writes the digest's amounts (SetCurrency).
	currency points.Currency

	// hooks are told of erased items (OnItemsErased).
	hooks struct {
		sync.Mutex
		fns []func(ids []int64)
	}
}

// NewService returns the work service.
func NewService(db *store.DB, blobs store.Blobs, r *reward.Service, params *coop.Params) *Service {
	return &Service{db: db, blobs: blobs, reward: r, params: params, now: time.Now}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Check reports what Create would refuse in p, without storing it: an API
// that refuses one field of its own (an amount in the client's unit) can
// name the others in the same answer.
func Check(p Project) error {
	p.defaults()
	return p.validate()
}

func (p *Project) validate() error {
	f := problem.Fields{}
	if !slugPattern.MatchString(p.Slug) || len(p.Slug) > 60 {
		f.Add("slug", "lowercase letters, digits and dashes, at most 60")
	}
	for _, v := range []struct {
		field string
		s     *string
		max   int
	}{{"name", &p.Name, 120}, {"client", &p.Client, 200}, {"purpose", &p.Purpose, 2000}, {"instructions", &p.Instructions, 10000}} {
		*v.s = strings.TrimSpace(*v.s)
		if *v.s == "" {
			f.Add(v.field, "is required: workers see it before they accept a task")
		} else if utf8.RuneCountInString(*v.s) > v.max {
			f.Add(v.field, "at most %d characters", v.max)
		} else if v.field == "purpose" || v.field == "instructions" {
			f.Text(v.field, *v.s)
		} else {
			f.Line(v.field, *v.s)
		}
	}
	switch p.TaskType {
	case ImageClassification, BoundingBox, Polygon, TextClassification:
		if len(p.Labels) == 0 {
			f.Add("labels", "at least one label")
		}
	case Pairwise:
	default:
		f.Add("task_type", "one of image_classification, bounding_box, polygon, text_classification, pairwise")
	}
	for _, l := range p.Labels {
		if strings.TrimSpace(l) == "" || utf8.RuneCountInString(l) > 60 {
			f.Add("labels", "labels are 1 to 60 characters")
		}
		f.Line("labels", l)
	}
	if p.Redundancy == 0 {
		p.Redundancy = 3
	}
	if p.Redundancy < 1 || p.Redundancy > 20 {
		f.Add("redundancy", "between 1 and 20 answers per item")
	}
	// Amounts are bounded so that no payment, top-up or balance built
	// from them can overflow: see docs/money.md.
	f.Merge(points.Check("pay_per_task", p.PayPerTask, 1, points.MaxPrice))
	if p.EstSeconds <= 0 || p.EstSeconds > 3600 {
		f.Add("est_seconds", "between 1 second and an hour")
	}
	f.Merge(points.Check("budget", p.Budget, 0, points.MaxBudget))
	if p.GoldRate < 0 || p.GoldRate > 0.5 {
		f.Add("gold_rate", "between 0 and 0.5")
	}
	if p.MinGoldAccuracy < 0 || p.MinGoldAccuracy > 1 {
		f.Add("min_gold_accuracy", "between 0 and 1")
	}
	if p.QualificationItems < 0 || p.QualificationItems > 50 {
		f.Add("qualification_items", "between 0 and 50")
	}
	if p.QualificationMin < 0 || p.QualificationMin > 1 {
		f.Add("qualification_min", "between 0 and 1")
	}
	if p.ReviewHours < 0 || p.ReviewHours > 24*14 {
		f.Add("review_hours", "between 0 and 336 hours (two weeks)")
	}
	if p.MaxRejectShare < 0 || p.MaxRejectShare > 1 {
		f.Add("max_reject_share", "between 0 and 1")
	}
	return f.Err()
}

// Defaults fills the optional settings of a new project.
func (p *Project) defaults() {
	if p.MinGoldAccuracy == 0 {
		p.MinGoldAccuracy = 0.7
	}
	if p.QualificationMin == 0 {
		p.QualificationMin = 0.8
	}
	if p.MaxRejectShare == 0 {
		p.MaxRejectShare = 0.1
	}
}

// Create adds a project in draft, requested by actor (see MayRequest); a
// steward approves it (and its budget moves into escrow) before workers
// see it.
func (s *Service) Create(ctx context.Context, actor member.Member, p Project) (Project, error) {
	if !MayRequest(actor) {
		return Project{}, problem.New(problem.Forbidden, "only requesters create projects")
	}
	p.defaults()
	if err := p.validate(); err != nil {
		return Project{}, err
	}
	if p.Labels == nil {
		p.Labels = []string{}
	}
	labels, _ := json.Marshal(p.Labels)
	p.Status = "draft"
	p.CreatedAt = s.now().UTC()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO projects (slug, name, client, purpose, task_type, labels, instructions, redundancy, pay_per_task, status, requester_id, created_at,
			                      est_seconds, budget, gold_rate, min_gold_accuracy, qualification_items, qualification_min, review_hours, max_reject_share)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
			p.Slug, p.Name, p.Client, p.Purpose, string(p.TaskType), string(labels), p.Instructions, p.Redundancy, p.PayPerTask, p.Status, actor.ID, p.CreatedAt.UnixMilli(),
			p.EstSeconds, p.Budget, p.GoldRate, p.MinGoldAccuracy, p.QualificationItems, p.QualificationMin, p.ReviewHours, p.MaxRejectShare).Scan(&p.ID)
	})
	if store.IsUniqueViolation(err) {
		return Project{}, &problem.Error{Kind: problem.Conflict, Message: "a project with this slug exists", Fields: map[string]string{"slug": "taken"}}
	}
	if err != nil {
		return Project{}, fmt.Errorf("create project: %w", err)
	}
	p.ExportFormats = Formats(p.TaskType)
	return p, nil
}

// DiscardDraft removes a project that is still a draft and has no items:
// the form creates the project and then imports its items, and when the
// import fails nothing of the attempt should stay behind.
func (s *Service) DiscardDraft(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE id = $1 AND status = 'draft'
			AND NOT EXISTS (SELECT 1 FROM items WHERE project_id = $1)`, id)
		return err
	})
}

// Approve is a steward letting workers see a project, after moving its
// budget from the requester into the project's escrow, from which all its
// work is paid.
func (s *Service) Approve(ctx context.Context, actor member.Member, slug string) error {
	if !actor.IsSteward() {
		return problem.New(problem.Forbidden, "only stewards approve projects")
	}
	p, err := s.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if p.Status != "draft" {
		return problem.New(problem.Conflict, "the project is %s, not a draft", p.Status)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// Only the approval that moves the project out of draft funds its
		// escrow: two stewards approving at once must not move the budget
		// twice.
		res, err := tx.ExecContext(ctx, `UPDATE projects SET status = 'approved', approved_at = $2 WHERE id = $1 AND status = 'draft'`, p.ID, s.now().UnixMilli())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return problem.New(problem.Conflict, "the project %s was approved meanwhile", p.Slug)
		}
		if p.Budget > 0 {
			if _, err := s.reward.Transfer(ctx, tx, ledger.Event{
				Type: ledger.EscrowFunded, Scope: fmt.Sprintf("project:%d", p.ID),
				Postings: []ledger.Posting{{Account: reward.FundingAccount(p.Requester), Amount: -p.Budget}, {Account: reward.EscrowAccount(p.ID), Amount: p.Budget}},
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

const projectColumns = projectSummaryColumns + `,
	(SELECT count(*) FROM items i WHERE i.project_id = p.id AND i.gold IS NULL AND
	   (SELECT count(*) FROM assignments a WHERE a.item_id = i.id AND a.status IN ('submitted', 'paid', 'review', 'appealed')) >= p.redundancy)`

// projectSummaryColumns leave out the progress (Done), which looks at every
// item's answers: lists that do not show it do not pay for it.
const projectSummaryColumns = `p.id, p.slug, p.name, p.client, p.purpose, p.task_type, p.labels, p.instructions, p.redundancy, p.pay_per_task, p.status, p.created_at,
	p.est_seconds, COALESCE(p.measured_seconds, 0), p.budget, p.gold_rate, p.min_gold_accuracy, p.qualification_items, p.qualification_min, p.review_hours, p.max_reject_share,
	m.public_id,
	(SELECT count(*) FROM items i WHERE i.project_id = p.id AND i.gold IS NULL)`

func scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var labels string
	var created int64
	err := row.Scan(append(projectFields(&p, &labels, &created), &p.Done)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, problem.New(problem.NotFound, "no such project")
	}
	if err != nil {
		return Project{}, fmt.Errorf("read project: %w", err)
	}
	if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
		return Project{}, fmt.Errorf("project %d labels: %w", p.ID, err)
	}
	p.CreatedAt = store.Time(created)
	p.ExportFormats = Formats(p.TaskType)
	return p, nil
}

// projectFields are the destinations of projectSummaryColumns.
func projectFields(p *Project, labels *string, created *int64) []any {
	return []any{&p.ID, &p.Slug, &p.Name, &p.Client, &p.Purpose, &p.TaskType, labels, &p.Instructions, &p.Redundancy, &p.PayPerTask, &p.Status, created,
		&p.EstSeconds, &p.MeasuredSeconds, &p.Budget, &p.GoldRate, &p.MinGoldAccuracy, &p.QualificationItems, &p.QualificationMin, &p.ReviewHours, &p.MaxRejectShare,
		&p.Requester, &p.Items}
}

// Open lists the newest approved projects, at most limit, as summaries
// (Done is left at zero), with the number of approved projects in all.
func (s *Service) Open(ctx context.Context, limit int) ([]Project, int, error) {
	q := s.db.Read()
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE status = 'approved'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("open projects: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+projectSummaryColumns+` FROM projects p JOIN members m ON m.id = p.requester_id
		WHERE p.status = 'approved' ORDER BY p.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("open projects: %w", err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var labels string
		var created int64
		if err := rows.Scan(projectFields(&p, &labels, &created)...); err != nil {
			return nil, 0, fmt.Errorf("open projects: %w", err)
		}
		if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
			return nil, 0, fmt.Errorf("project %d labels: %w", p.ID, err)
		}
		p.CreatedAt = store.Time(created)
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// list lists the projects that clause (a condition and an order) picks.
func (s *Service) list(ctx context.Context, clause string, args ...any) ([]Project, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+projectColumns+` FROM projects p JOIN members m ON m.id = p.requester_id WHERE `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Approved lists a page of the projects workers can take tasks from,
// newest first, and the cursor (a slug) of the next page.
func (s *Service) Approved(ctx context.Context, page store.Page) ([]Project, string, error) {
	where, args := `p.status = 'approved'`, []any{}
	if page.Before != "" {
		id, err := page.Row(ctx, s.db.Read(), "not a project; use the next cursor of the previous page", `SELECT id FROM projects WHERE slug = $1`)
		if err != nil {
			return nil, "", fmt.Errorf("list projects: %w", err)
		}
		where, args = where+` AND p.id < $1`, append(args, id)
	}
	list, err := s.list(ctx, where+` ORDER BY p.id DESC LIMIT `+strconv.Itoa(page.Fetch()), args...)
	if err != nil {
		return nil, "", err
	}
	list, next := store.Cut(page, list, func(p Project) string { return p.Slug })
	return list, next, nil
}

// All lists every project (stewards).
func (s *Service) All(ctx context.Context) ([]Project, error) {
	return s.list(ctx, `TRUE ORDER BY p.id`)
}

// OfRequester lists a requester's projects.
func (s *Service) OfRequester(ctx context.Context, requesterID int64) ([]Project, error) {
	return s.list(ctx, `p.requester_id = $1 ORDER BY p.id`, requesterID)
}

// BySlug returns one project, with its example images.
func (s *Service) BySlug(ctx context.Context, slug string) (Project, error) {
	p, err := scanProject(s.db.Read().QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects p JOIN members m ON m.id = p.requester_id WHERE p.slug = $1`, slug))
	return s.withExamples(ctx, s.db.Read(), p, err)
}

func (s *Service) byID(ctx context.Context, q store.Querier, id int64) (Project, error) {
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects p JOIN members m ON m.id = p.requester_id WHERE p.id = $1`, id))
	return s.withExamples(ctx, q, p, err)
}

func (s *Service) withExamples(ctx context.Context, q store.Querier, p Project, err error) (Project, error) {
	if err != nil {
		return p, err
	}
	p.Examples, err = s.examples(ctx, q, p.ID)
	return p, err
}

// RequesterID returns the internal id of a project's requester, for
// authorisation.
func (s *Service) RequesterID(ctx context.Context, projectID int64) (int64, error) {
	var id int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT requester_id FROM projects WHERE id = $1`, projectID).Scan(&id)
	return id, err
}

// Escrow returns what is left in a project's escrow.
func (s *Service) Escrow(ctx context.Context, projectID int64) (int64, error) {
	return s.reward.Balance(ctx, reward.EscrowAccount(projectID))
}
