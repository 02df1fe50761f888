package reward

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

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
)

// IncomeKinds are all kinds, in order.
var IncomeKinds = []IncomeKind{IncomeAnnotation, IncomeRecordings, IncomeModels, IncomeAutomations}

// IncomeKindOf says which kind of income an event pays its members, or ""
// for an event that is no income (a deposit, a refund, a payout).
func IncomeKindOf(t ledger.Type, scope string) IncomeKind {
	switch t {
	case ledger.TaskPaid:
		return IncomeAnnotation
	case ledger.RecordingPaid:
		return IncomeRecordings
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
