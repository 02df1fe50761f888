package reward

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/store"
)

// IncomeKind is where a payment into a member's account came from.
type IncomeKind string

// The kinds of income, in the order /earnings lists them.
const (
	IncomeAnnotation  IncomeKind = "annotation"  // tasks, top-ups to the floor, qualification
	IncomeRecordings  IncomeKind = "recordings"  // verified recordings of browser work
	IncomeModels      IncomeKind = "models"      // model calls that used the member's data, or their model
	IncomeAutomations IncomeKind = "automations" // runs of automations the member recorded or taught
	IncomeBounties    IncomeKind = "bounties"    // units of wanted work a bounty paid for
	IncomeRecords     IncomeKind = "records"     // records a curator of a curated datanet accepted
)

// IncomeKinds are all kinds, in order.
var IncomeKinds = []IncomeKind{IncomeAnnotation, IncomeRecordings, IncomeModels, IncomeAutomations, IncomeBounties, IncomeRecords}

// IncomeKindOf says which kind of income an event pays its members, or ""
// for an event that is no income (a deposit, a refund, a payout).
func IncomeKindOf(t ledger.Type, scope string) IncomeKind {
	switch t {
	case ledger.TaskPaid:
		return IncomeAnnotation
	case ledger.RecordingPaid:
		return IncomeRecordings
	case ledger.BountyPaid:
		return IncomeBounties
	case ledger.ContributionPaid:
		return IncomeRecords
	case ledger.RewardSplit:
		if strings.HasPrefix(scope, "automation:") {
			return IncomeAutomations
		}
		return IncomeModels
	}
	return ""
}

// Income is what a member account was paid by one kind of income.
type Income struct {
	Kind   IncomeKind `json:"kind"`
	Amount int64      `json:"amount"`
}

// addIncome adds a payment to its kind's kept total. Totals are for
// display: one that would leave int64 stays at the limit rather than
// failing the payment.
func addIncome(ctx context.Context, tx *store.Tx, account string, kind IncomeKind, amount int64) error {
	var cur int64
	err := tx.QueryRowContext(ctx, `SELECT amount FROM income_totals WHERE account = $1 AND kind = $2`, account, kind).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reward: income of %s: %w", account, err)
	}
	sum, err := points.Add(cur, amount)
	if err != nil {
		sum = math.MaxInt64
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO income_totals (account, kind, amount) VALUES ($1, $2, $3)
		ON CONFLICT (account, kind) DO UPDATE SET amount = excluded.amount`, account, kind, sum); err != nil {
		return fmt.Errorf("reward: income of %s: %w", account, err)
	}
	return nil
}

// IncomeOf is what a member account was paid, by kind, every kind listed
// (zero for none) in the order of IncomeKinds. It reads one kept row per
// kind.
func (s *Service) IncomeOf(ctx context.Context, account string) ([]Income, error) {
	out := make([]Income, len(IncomeKinds))
	idx := map[IncomeKind]int{}
	for i, k := range IncomeKinds {
		out[i].Kind, idx[k] = k, i
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT kind, amount FROM income_totals WHERE account = $1`, account)
	if err != nil {
		return nil, fmt.Errorf("reward: income of %s: %w", account, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k IncomeKind
		var a int64
		if err := rows.Scan(&k, &a); err != nil {
			return nil, fmt.Errorf("reward: income of %s: %w", account, err)
		}
		if i, ok := idx[k]; ok {
			out[i].Amount = a
		}
	}
	return out, rows.Err()
}

// IncomeNews is what one kind of income paid a member since a moment:
// how many payments, how much in all, and when the last came.
type IncomeNews struct {
	Kind     IncomeKind
	Payments int64
	Amount   int64
	Last     time.Time
}

// maxIncomeNews bounds the payments IncomeSince reads: a member whose
// records answered thousands of calls since their last visit is told of
// the newest ones, and the cost of the news does not grow with them.
const maxIncomeNews = 1000

// IncomeSince is what a member's account was paid since a moment for
// recordings, for their data or models used by model calls, for
// automation runs, by bounties and for accepted records — every kind of income but annotation, whose news is
// told per project from the tasks — newest kind first. It reads the
// payments since the moment along postings_income_news (at most
// maxIncomeNews of them), not the account's history. The account is the
// caller's to choose: work.Service.Notices asks for the member's own.
func (s *Service) IncomeSince(ctx context.Context, account string, since time.Time) ([]IncomeNews, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT income, count(*), sum(amount), max(created_at) FROM (
			SELECT income, amount, created_at FROM postings
			WHERE account = $1 AND created_at > $2 AND income IN ('recordings', 'models', 'automations', 'bounties', 'records')
			ORDER BY created_at DESC LIMIT $3) recent
		GROUP BY income ORDER BY max(created_at) DESC`, account, since.UnixMilli(), maxIncomeNews)
	if err != nil {
		return nil, fmt.Errorf("reward: income news of %s: %w", account, err)
	}
	defer rows.Close()
	var out []IncomeNews
	for rows.Next() {
		var n IncomeNews
		var last int64
		if err := rows.Scan(&n.Kind, &n.Payments, &n.Amount, &last); err != nil {
			return nil, fmt.Errorf("reward: income news of %s: %w", account, err)
		}
		n.Last = store.Time(last)
		out = append(out, n)
	}
	return out, rows.Err()
}
