package reward

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
)

// Balances are kept, not summed: account_balances holds each account's
// running sum of postings (and of the points it earned), updated in the
// transaction that writes the postings. A balance is then one indexed
// read, whatever the account's history — a member paid for 100,000 model
// calls sees their dashboard as fast as a new one — and a sum that would
// overflow fails the transfer instead of every later page.

// addToBalances adds a transfer's postings to their accounts' balances. It
// goes in account order, so that on PostgreSQL, where updating a balance
// locks its row to the end of the transaction, two transfers between the
// same accounts lock them in the same order and never wait on each other
// in a circle.
func addToBalances(ctx context.Context, tx *store.Tx, typ ledger.Type, postings []ledger.Posting) error {
	sorted := slices.Clone(postings)
	slices.SortStableFunc(sorted, func(a, b ledger.Posting) int { return cmp.Compare(a.Account, b.Account) })
	earning := earns(typ)
	for _, p := range sorted {
		var earned int64
		if earning && p.Amount > 0 {
			earned = p.Amount
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO account_balances (account, balance, earned) VALUES ($1, $2, $3)
			ON CONFLICT (account) DO UPDATE SET balance = account_balances.balance + excluded.balance, earned = account_balances.earned + excluded.earned`,
			p.Account, p.Amount, earned)
		if err != nil {
			return fmt.Errorf("reward: balance of %s: %w", p.Account, err)
		}
	}
	return nil
}

func balance(ctx context.Context, q store.Querier, account string) (int64, error) {
	var b int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT balance FROM account_balances WHERE account = $1), 0)`, account).Scan(&b)
	if err != nil {
		return 0, fmt.Errorf("reward: balance of %s: %w", account, err)
	}
	return b, nil
}
