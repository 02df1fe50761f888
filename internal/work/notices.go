package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Notice is one thing that changed for a member since they last marked
// their news as read.
type Notice struct {
	Kind string `json:"kind"` // work, decision, payment, income
	// Project is the project's name; news never names other members.
	Project string `json:"project,omitempty"`
	// Action is a decision's: reject, hold, uphold or overturn.
	Action string `json:"action,omitempty"`
	// Tasks and Amount (points) are a payment's; Amount is an income's too.
	Tasks  int64 `json:"tasks,omitempty"`
	Amount int64 `json:"amount,omitempty"`
	// Income is an income's kind — recordings, models (the member's data
	// or model used by model calls) or automations (runs of automations
	// they recorded or taught) — and Payments how many paid them.
	Income   reward.IncomeKind `json:"income,omitempty"`
	Payments int64             `json:"payments,omitempty"`
	// Link leads to the work concerned.
	Link string    `json:"link"`
	At   time.Time `json:"at"`
}

// Notices are the news of one member.
type Notices struct {
	// Since is when the member last marked their news as read (or, before
	// they ever did, NoticeWindow ago).
	Since time.Time `json:"since"`
	List  []Notice  `json:"list"`
	// DigestAvailable: the cooperative configured e-mail, so the member
	// may ask for a daily digest; Digest: they did.
	DigestAvailable bool `json:"digest_available"`
	Digest          bool `json:"digest"`
}

// NoticeWindow is how far back news reaches: a member back after months
// gets the last weeks, not a scroll of everything.
const NoticeWindow = 30 * 24 * time.Hour

// maxNotices bounds each kind of news on the dashboard.
const maxNotices = 10

// Notices lists what changed for a member since their last "mark as read":
// projects opened for work, decisions on their tasks (rejections, holds,
// rulings), tasks paid and every other kind of income — recordings paid,
// model calls that used their data, automation runs. Each is read along an index from the moment of
// the mark, so it costs the same for a member with a long history.
func (s *Service) Notices(ctx context.Context, memberID int64) (Notices, error) {
	var mark int64
	var digest bool
	err := s.db.Read().QueryRowContext(ctx, `SELECT seen_at, digest FROM notice_marks WHERE member_id = $1`, memberID).Scan(&mark, &digest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	n, err := s.noticesSince(ctx, memberID, store.Time(mark))
	n.Digest, n.DigestAvailable = digest, s.mailer != nil
	return n, err
}

// noticesSince lists a member's news since a moment, or NoticeWindow ago
// if that is later.
func (s *Service) noticesSince(ctx context.Context, memberID int64, mark time.Time) (Notices, error) {
	q := s.db.Read()
	since := s.now().Add(-NoticeWindow)
	if mark.After(since) {
		since = mark
	}
	n := Notices{Since: since}

	rows, err := q.QueryContext(ctx, `SELECT slug, name, approved_at FROM projects
		WHERE approved_at > $1 AND status = 'approved' AND requester_id <> $2 ORDER BY approved_at DESC LIMIT $3`, since.UnixMilli(), memberID, maxNotices)
	if err != nil {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	for rows.Next() {
		var slug, name string
		var at int64
		if err := rows.Scan(&slug, &name, &at); err != nil {
			rows.Close()
			return Notices{}, err
		}
		n.List = append(n.List, Notice{Kind: "work", Project: name, Link: "/work#project-" + slug, At: store.Time(at)})
	}
	rows.Close()

	rows, err = q.QueryContext(ctx, `
		SELECT r.assignment_id, r.action, p.name, r.created_at FROM task_reviews r
		JOIN assignments a ON a.id = r.assignment_id JOIN projects p ON p.id = a.project_id
		WHERE r.created_at > $1 AND a.worker_id = $2 AND r.action <> 'appeal' ORDER BY r.created_at DESC LIMIT $3`, since.UnixMilli(), memberID, maxNotices)
	if err != nil {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	for rows.Next() {
		var id, at int64
		var action, name string
		if err := rows.Scan(&id, &action, &name, &at); err != nil {
			rows.Close()
			return Notices{}, err
		}
		n.List = append(n.List, Notice{Kind: "decision", Project: name, Action: action, Link: fmt.Sprintf("/tasks/%d", id), At: store.Time(at)})
	}
	rows.Close()

	// Payments along assignments_settled: per project, how many tasks and
	// how much since the mark.
	rows, err = q.QueryContext(ctx, `
		SELECT p.slug, p.name, count(*), COALESCE(sum(a.pay + a.topup), 0), max(a.paid_at) FROM assignments a JOIN projects p ON p.id = a.project_id
		WHERE a.worker_id = $1 AND a.status IN ('paid', 'rejected') AND COALESCE(a.paid_at, a.submitted_at) > $2 AND a.paid_at IS NOT NULL
		GROUP BY p.slug, p.name ORDER BY max(a.paid_at) DESC LIMIT $3`, memberID, since.UnixMilli(), maxNotices)
	if err != nil {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	for rows.Next() {
		var slug, name string
		var tasks, pts, at int64
		if err := rows.Scan(&slug, &name, &tasks, &pts, &at); err != nil {
			rows.Close()
			return Notices{}, err
		}
		n.List = append(n.List, Notice{Kind: "payment", Project: name, Tasks: tasks, Amount: pts, Link: "/tasks?state=paid", At: store.Time(at)})
	}
	rows.Close()

	// Income of the other kinds, from the member's own account.
	var publicID string
	if err := q.QueryRowContext(ctx, `SELECT public_id FROM members WHERE id = $1`, memberID).Scan(&publicID); err != nil {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	income, err := s.reward.IncomeSince(ctx, reward.MemberAccount(publicID), since)
	if err != nil {
		return Notices{}, fmt.Errorf("notices: %w", err)
	}
	for _, in := range income {
		n.List = append(n.List, Notice{Kind: "income", Income: in.Kind, Payments: in.Payments, Amount: in.Amount, Link: incomeLinks[in.Kind], At: in.Last})
	}
	// Newest first, whatever its kind: a decision and the payment it
	// brought read in the order they happened, not grouped by kind.
	slices.SortStableFunc(n.List, func(a, b Notice) int { return b.At.Compare(a.At) })
	return n, nil
}

// incomeLinks lead from an income's news to where the member sees what
// paid them: their recordings, where their data went, their earnings.
var incomeLinks = map[reward.IncomeKind]string{
	reward.IncomeRecordings:  "/recordings",
	reward.IncomeModels:      "/my-data",
	reward.IncomeAutomations: "/earnings#income-automations",
	reward.IncomeBounties:    "/bounties",
	reward.IncomeRecords:     "/contributions",
}

// MarkNoticesRead records that the member has read their news: the next
// list starts now.
func (s *Service) MarkNoticesRead(ctx context.Context, memberID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notice_marks (member_id, seen_at) VALUES ($1, $2)
			ON CONFLICT (member_id) DO UPDATE SET seen_at = excluded.seen_at`, memberID, s.now().UnixMilli())
		return err
	})
}

// incomeWords says an income's news in a sentence, amounts in c: "Your
// data answered 3 model calls: 0.21 EUR".
func incomeWords(n Notice, c points.Currency) string {
	times := func(one, many string) string {
		if n.Payments == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n.Payments, many)
	}
	switch n.Income {
	case reward.IncomeRecordings:
		return times("recording", "recordings") + " of yours paid: " + c.Format(n.Amount)
	case reward.IncomeModels:
		return "Your data or model was used by " + times("model call", "model calls") + ": " + c.Format(n.Amount)
	case reward.IncomeAutomations:
		return times("run", "runs") + " of automations you recorded or taught paid you: " + c.Format(n.Amount)
	case reward.IncomeRecords:
		return times("record", "records") + " of yours accepted by a curator paid: " + c.Format(n.Amount)
	case reward.IncomeBounties:
		return "Bounties paid for " + times("unit", "units") + " of wanted work you delivered: " + c.Format(n.Amount)
	}
	return "Paid: " + c.Format(n.Amount)
}
