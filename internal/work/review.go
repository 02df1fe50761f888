package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Review is one step in the life of a rejection.
type Review struct {
	Action    string    `json:"action"` // reject, hold, appeal, uphold, overturn
	Kind      string    `json:"kind,omitempty"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Rejection kinds: a rejection must say which rule the work broke.
const (
	RejectInstructions = "instructions" // the work does not follow the written instructions
	RejectGold         = "gold"         // the answer to a check question contradicts the known answer
)

// MinReasonChars is the least a rejection or appeal must say: enough for a
// sentence that quotes the rule.
const MinReasonChars = 20

func (s *Service) reviews(ctx context.Context, assignmentID int64) ([]Review, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT action, kind, text, created_at FROM task_reviews WHERE assignment_id = $1 ORDER BY id`, assignmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		var at int64
		if err := rows.Scan(&r.Action, &r.Kind, &r.Text, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = store.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

type reviewable struct {
	projectID, workerID, requesterID int64
	status, kind                     string
	maxShare                         float64
}

func (s *Service) reviewable(ctx context.Context, tx *store.Tx, assignmentID int64) (reviewable, error) {
	var r reviewable
	err := tx.QueryRowContext(ctx, `SELECT a.project_id, a.worker_id, p.requester_id, a.status, a.kind, p.max_reject_share
		FROM assignments a JOIN projects p ON p.id = a.project_id WHERE a.id = $1`, assignmentID).
		Scan(&r.projectID, &r.workerID, &r.requesterID, &r.status, &r.kind, &r.maxShare)
	if errors.Is(err, sql.ErrNoRows) {
		return r, problem.New(problem.NotFound, "no task %d", assignmentID)
	}
	return r, err
}

func (s *Service) note(ctx context.Context, tx *store.Tx, assignmentID int64, action, kind, text string, by int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO task_reviews (assignment_id, action, kind, text, by_member, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		assignmentID, action, kind, text, by, s.now().UnixMilli())
	return err
}

func checkText(field, text string) error {
	if msg := problem.TextProblem(text); msg != "" {
		return &problem.Error{Kind: problem.Invalid, Message: "the text cannot be stored: it " + msg, Fields: map[string]string{field: msg}}
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(text)); n < MinReasonChars {
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("write at least %d characters: which rule, and what was wrong", MinReasonChars),
			Fields: map[string]string{field: fmt.Sprintf("%d characters, at least %d", n, MinReasonChars)}}
	}
	if utf8.RuneCountInString(text) > 4000 {
		return &problem.Error{Kind: problem.Invalid, Message: "at most 4000 characters", Fields: map[string]string{field: "too long"}}
	}
	return nil
}

// Reject turns down a submission before it is paid. It needs a written
// reason tied to the instructions or to a check question. If the requester
// would then have rejected more than the project's allowed share of this
// worker's submissions, the rejection is held for a steward instead of
// taking effect: no mass rejections.
//
// The project's requester and stewards may reject; a steward's rejection
// is never held.
func (s *Service) Reject(ctx context.Context, actor member.Member, assignmentID int64, kind, reason string) (string, error) {
	byID, steward := actor.ID, actor.IsSteward()
	if kind != RejectInstructions && kind != RejectGold {
		return "", &problem.Error{Kind: problem.Invalid, Message: "say which rule the work broke", Fields: map[string]string{"kind": "instructions or gold"}}
	}
	if err := checkText("reason", reason); err != nil {
		return "", err
	}
	var outcome string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewable(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if r.requesterID != byID && !steward {
			return problem.New(problem.Forbidden, "only the project's requester can reject its work")
		}
		if r.status != "submitted" {
			return problem.New(problem.Conflict, "only a submitted task that is not yet paid can be rejected; this one is %s", r.status)
		}
		if kind == RejectGold && r.kind != "gold" {
			return &problem.Error{Kind: problem.Invalid, Message: "this task was not a check question", Fields: map[string]string{"kind": "use instructions"}}
		}
		var total, rejected int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN status IN ('rejected', 'review', 'appealed') THEN 1 ELSE 0 END), 0)
			FROM assignments WHERE project_id = $1 AND worker_id = $2 AND status NOT IN ('assigned', 'expired')`, r.projectID, r.workerID).Scan(&total, &rejected); err != nil {
			return err
		}
		outcome = "rejected"
		action := "reject"
		if float64(rejected+1) > r.maxShare*float64(total) && !steward {
			outcome, action = "review", "hold"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assignments SET status = $2 WHERE id = $1`, assignmentID, outcome); err != nil {
			return err
		}
		return s.note(ctx, tx, assignmentID, action, kind, strings.TrimSpace(reason), byID)
	})
	return outcome, err
}

// Appeal is the worker contesting a rejection of their task; a steward
// decides.
func (s *Service) Appeal(ctx context.Context, actor member.Member, assignmentID int64, text string) error {
	workerID := actor.ID
	if err := checkText("text", text); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewable(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if r.workerID != workerID {
			return problem.New(problem.NotFound, "you have no task %d", assignmentID)
		}
		if r.status != "rejected" {
			return problem.New(problem.Conflict, "only a rejected task can be appealed; this one is %s", r.status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'appealed' WHERE id = $1`, assignmentID); err != nil {
			return err
		}
		return s.note(ctx, tx, assignmentID, "appeal", "", strings.TrimSpace(text), workerID)
	})
}

// Decide is a steward's ruling on a held rejection or an appeal: uphold
// keeps the rejection; overturn pays the work now. The ruling and its
// reason are kept with the task. Only stewards decide, and never on a
// project they requested.
func (s *Service) Decide(ctx context.Context, actor member.Member, assignmentID int64, uphold bool, note string) error {
	if !actor.IsSteward() {
		return problem.New(problem.Forbidden, "only stewards decide appeals")
	}
	stewardID := actor.ID
	if err := checkText("note", note); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewable(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if r.status != "review" && r.status != "appealed" {
			return problem.New(problem.Conflict, "there is nothing to decide: the task is %s", r.status)
		}
		if r.requesterID == stewardID {
			return problem.New(problem.Forbidden, "you requested this project; another steward must decide")
		}
		if r.workerID == stewardID {
			return problem.New(problem.Forbidden, "this is your own task; another steward must decide")
		}
		action := "overturn"
		if uphold {
			action = "uphold"
			if _, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'rejected' WHERE id = $1`, assignmentID); err != nil {
				return err
			}
		} else if err := s.pay(ctx, tx, assignmentID); err != nil {
			return err
		}
		return s.note(ctx, tx, assignmentID, action, "", strings.TrimSpace(note), stewardID)
	})
}

// Pending is a rejection or appeal waiting for a steward.
type Pending struct {
	AssignmentID int64  `json:"assignment"`
	Project      string `json:"project"`
	// ProjectName is the project's name, which the stewards' queue shows
	// (Project is its slug, an address).
	ProjectName string    `json:"project_name,omitempty"`
	Worker      string    `json:"worker"`
	Status      string    `json:"status"`
	Reviews     []Review  `json:"reviews"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// MaxPending is how many of the oldest decisions PendingDecisions shows at
// once: stewards work through the queue from its start.
const MaxPending = 100

// PendingDecisions lists what stewards have to decide, oldest first, at
// most MaxPending, found along the partial index of tasks in review (not
// by reading every task ever done).
func (s *Service) PendingDecisions(ctx context.Context) ([]Pending, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id, p.slug, m.public_id, a.status, COALESCE(a.submitted_at, 0) FROM assignments a
		JOIN projects p ON p.id = a.project_id JOIN members m ON m.id = a.worker_id
		WHERE a.status IN ('review', 'appealed') ORDER BY a.id LIMIT $1`, MaxPending)
	if err != nil {
		return nil, err
	}
	var out []Pending
	for rows.Next() {
		var p Pending
		var at int64
		if err := rows.Scan(&p.AssignmentID, &p.Project, &p.Worker, &p.Status, &at); err != nil {
			rows.Close()
			return nil, err
		}
		p.SubmittedAt = store.Time(at)
		out = append(out, p)
	}
	rows.Close()
	for i := range out {
		if out[i].Reviews, err = s.reviews(ctx, out[i].AssignmentID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
