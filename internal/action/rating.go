package action

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Reviews are verified purchases: a member rates an automation (1–5) and
// may say why, once per finished run of theirs, never for a test run or
// their own automation. The author may answer each review. Rating text
// and answers are member text: "erase all my data" deletes a reviewer's
// reviews and blanks an author's answers (EraseAll).

// MaxReviewLen bounds a review's and an answer's text, in characters.
const MaxReviewLen = 2000

// Rating is one runner's rating of an automation, tied to their run.
type Rating struct {
	ID         string     `json:"id"`
	Automation string     `json:"automation"`
	Run        string     `json:"run"`
	Reviewer   string     `json:"reviewer"`
	Rating     int        `json:"rating"`
	Body       string     `json:"body"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// RatingInput is what a runner says about their run.
type RatingInput struct {
	Run    string `json:"run"`
	Rating int    `json:"rating"`
	Body   string `json:"body"`
}

func (in *RatingInput) validate() error {
	in.Run, in.Body = strings.TrimSpace(in.Run), strings.TrimSpace(in.Body)
	f := problem.Fields{}
	if in.Run == "" {
		f.Add("run", "name the finished run of yours you review (a review is of a run)")
	}
	if in.Rating < 1 || in.Rating > 5 {
		f.Add("rating", "from 1 to 5")
	}
	f.TextUpTo("body", in.Body, MaxReviewLen)
	return f.Err()
}

// Rate records the reviewer's review of one of their finished runs.
func (s *Service) Rate(ctx context.Context, reviewer member.Member, in RatingInput) (Rating, error) {
	if err := in.validate(); err != nil {
		return Rating{}, err
	}
	var runRow, automationID, runnerID, authorID int64
	var status, slug string
	var test int
	err := s.db.Read().QueryRowContext(ctx, `SELECT x.id, x.automation_id, COALESCE(x.runner_id, 0), x.status, x.test, a.slug, COALESCE(a.author_id, 0)
		FROM automation_runs x JOIN automations a ON a.id = x.automation_id WHERE x.public_id = $1`, in.Run).
		Scan(&runRow, &automationID, &runnerID, &status, &test, &slug, &authorID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && runnerID != reviewer.ID) {
		return Rating{}, &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("no run %s of yours: a review is of a run you made", in.Run), Fields: map[string]string{"run": "not one of your runs"}}
	}
	if err != nil {
		return Rating{}, fmt.Errorf("review: %w", err)
	}
	switch {
	case test == 1:
		return Rating{}, &problem.Error{Kind: problem.Conflict, Message: "a test run is not reviewed; review a real run", Fields: map[string]string{"run": "a test run"}}
	case authorID == reviewer.ID:
		return Rating{}, problem.New(problem.Forbidden, "an author does not review their own automation")
	case status != "ok" && status != "failed":
		return Rating{}, &problem.Error{Kind: problem.Conflict, Message: "review the run when it has finished", Fields: map[string]string{"run": status}}
	}
	r := Rating{ID: newID("v-"), Automation: slug, Run: in.Run, Reviewer: reviewer.PublicID, Rating: in.Rating, Body: in.Body, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO automation_reviews (public_id, automation_id, run_id, reviewer_id, rating, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID, automationID, runRow, reviewer.ID, r.Rating, r.Body, r.CreatedAt.UnixMilli())
		return err
	})
	if store.IsUniqueViolation(err) {
		return Rating{}, &problem.Error{Kind: problem.Conflict, Message: "you reviewed this run already: one review per run", Fields: map[string]string{"run": "reviewed already"}}
	}
	if err != nil {
		return Rating{}, fmt.Errorf("review: %w", err)
	}
	return r, nil
}

// Answer sets the author's answer to a review of their automation slug.
func (s *Service) Answer(ctx context.Context, author member.Member, slug, reviewID, text string) (Rating, error) {
	text = strings.TrimSpace(text)
	f := problem.Fields{}
	if text == "" {
		f.Add("answer", "write the answer, in at most %d characters", MaxReviewLen)
	}
	f.TextUpTo("answer", text, MaxReviewLen)
	if err := f.Err(); err != nil {
		return Rating{}, err
	}
	var rowID, authorID int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT v.id, COALESCE(a.author_id, 0) FROM automation_reviews v JOIN automations a ON a.id = v.automation_id WHERE v.public_id = $1 AND a.slug = $2`, reviewID, slug).
		Scan(&rowID, &authorID)
	if errors.Is(err, sql.ErrNoRows) {
		return Rating{}, problem.New(problem.NotFound, "no review %s", reviewID)
	}
	if err != nil {
		return Rating{}, fmt.Errorf("answer: %w", err)
	}
	if authorID != author.ID {
		return Rating{}, problem.New(problem.Forbidden, "only the automation's author answers its reviews")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE automation_reviews SET answer = $2, answered_at = $3 WHERE id = $1`, rowID, text, store.Now())
		return err
	})
	if err != nil {
		return Rating{}, fmt.Errorf("answer: %w", err)
	}
	return s.rating(ctx, `v.id = $1`, rowID)
}

const ratingSelect = `SELECT v.public_id, a.slug, x.public_id, COALESCE(m.public_id, ''), v.rating, v.body, v.answer, v.answered_at, v.created_at
	FROM automation_reviews v JOIN automations a ON a.id = v.automation_id JOIN automation_runs x ON x.id = v.run_id LEFT JOIN members m ON m.id = v.reviewer_id`

func scanRating(row interface{ Scan(...any) error }) (Rating, error) {
	var r Rating
	var answered sql.NullInt64
	var created int64
	if err := row.Scan(&r.ID, &r.Automation, &r.Run, &r.Reviewer, &r.Rating, &r.Body, &r.Answer, &answered, &created); err != nil {
		return Rating{}, err
	}
	r.CreatedAt = store.Time(created)
	if answered.Valid {
		t := store.Time(answered.Int64)
		r.AnsweredAt = &t
	}
	return r, nil
}

func (s *Service) rating(ctx context.Context, where string, arg any) (Rating, error) {
	r, err := scanRating(s.db.Read().QueryRowContext(ctx, ratingSelect+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Rating{}, problem.New(problem.NotFound, "no such review")
	}
	return r, err
}

// Ratings lists a page of a listed automation's reviews, newest first,
// and the cursor (a review id) of the next page. They are public, as the
// listing is.
func (s *Service) Ratings(ctx context.Context, viewer member.Member, slug string, page store.Page) ([]Rating, string, error) {
	a, err := s.AutomationFor(ctx, viewer, slug)
	if err != nil {
		return nil, "", err
	}
	q := s.db.Read()
	where, args := `v.automation_id = $1`, []any{a.rowID, page.Fetch()}
	if page.Before != "" {
		row, err := page.Row(ctx, q, "not a review of this automation; use the next cursor of the previous page", `SELECT id FROM automation_reviews WHERE public_id = $1 AND automation_id = $2`, a.rowID)
		if err != nil {
			return nil, "", fmt.Errorf("list reviews: %w", err)
		}
		args = append(args, row)
		where += ` AND v.id < $3`
	}
	rows, err := q.QueryContext(ctx, ratingSelect+` WHERE `+where+` ORDER BY v.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list reviews: %w", err)
	}
	defer rows.Close()
	out := []Rating{}
	for rows.Next() {
		r, err := scanRating(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list reviews: %w", err)
	}
	out, next := store.Cut(page, out, func(r Rating) string { return r.ID })
	return out, next, nil
}

// RatingOf returns the viewer's review of one of their runs, if any.
func (s *Service) RatingOf(ctx context.Context, viewer member.Member, runID string) (Rating, bool, error) {
	r, err := scanRating(s.db.Read().QueryRowContext(ctx, ratingSelect+` WHERE x.public_id = $1 AND v.reviewer_id = $2`, runID, viewer.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Rating{}, false, nil
	}
	return r, err == nil, err
}

// eraseMarketText deletes the member's reviews, blanks the answers they
// gave as an author and their automations' samples — what they wrote in
// the marketplace — for "erase all my data". Ratings go with their
// reviews; runs and payments stay in the history.
func (s *Service) eraseMarketText(ctx context.Context, memberID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM automation_reviews WHERE reviewer_id = $1`, memberID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE automation_reviews SET answer = '', answered_at = NULL WHERE automation_id IN (SELECT id FROM automations WHERE author_id = $1)`, memberID); err != nil {
			return err
		}
		// Without samples it is a new version: its test run ran on the
		// samples erased, and must not list it again without any.
		_, err := tx.ExecContext(ctx, `UPDATE automations SET samples = '', listed = 0, version = version + 1 WHERE author_id = $1 AND samples <> ''`, memberID)
		return err
	})
}
