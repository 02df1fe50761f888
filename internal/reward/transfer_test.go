package reward_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// ledgerState is what a refused transfer must leave as it was.
type ledgerState struct {
	events, postings int
	balances         map[string]int64
}

func stateOf(t *testing.T, db *store.DB, s *reward.Service, accounts ...string) ledgerState {
	t.Helper()
	st := ledgerState{balances: map[string]int64{}}
	ctx := t.Context()
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events`).Scan(&st.events); err != nil {
		t.Fatal(err)
	}
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM postings`).Scan(&st.postings); err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		b, err := s.Balance(ctx, a)
		if err != nil {
			t.Fatalf("balance of %s: %v", a, err)
		}
		st.balances[a] = b
	}
	return st
}

func (a ledgerState) equal(b ledgerState) bool {
	if a.events != b.events || a.postings != b.postings {
		return false
	}
	for k, v := range a.balances {
		if b.balances[k] != v {
			return false
		}
	}
	return true
}

// TestTransferRefusesUnsoundPostings: reward.Transfer is the last line of
// defence. Postings beyond ±points.MaxTransfer, that sum to zero only by
// wrapping around, that name an account twice, or that have no other side
// are refused, and nothing of them is written.
func TestTransferRefusesUnsoundPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		fund, a, b := "funding:grant:x", "member:m-a", "member:m-b"
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{{Account: fund, Amount: -1000}, {Account: a, Amount: 1000}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		max := points.MaxTransfer
		tests := []struct {
			name     string
			postings []ledger.Posting
		}{
			{"one point beyond the largest transfer", []ledger.Posting{{Account: fund, Amount: -(max + 1)}, {Account: b, Amount: max + 1}}},
			{"the int64 maximum", []ledger.Posting{{Account: fund, Amount: -math.MaxInt64}, {Account: b, Amount: math.MaxInt64}}},
			{"the int64 minimum", []ledger.Posting{{Account: fund, Amount: math.MinInt64}, {Account: b, Amount: math.MaxInt64}, {Account: a, Amount: 1}}},
			{"sums to zero only by wrapping", []ledger.Posting{{Account: b, Amount: math.MaxInt64}, {Account: "treasury", Amount: math.MaxInt64}, {Account: a, Amount: 2}}},
			{"bounded amounts that do not sum to zero", []ledger.Posting{{Account: a, Amount: -max}, {Account: b, Amount: max - 1}}},
			{"an account twice", []ledger.Posting{{Account: a, Amount: -5}, {Account: b, Amount: 10}, {Account: a, Amount: -5}}},
			{"a zero posting", []ledger.Posting{{Account: a, Amount: 0}, {Account: b, Amount: 0}}},
			{"one posting", []ledger.Posting{{Account: a, Amount: 0}}},
			{"no postings", nil},
			{"a negative payment out of an empty account", []ledger.Posting{{Account: b, Amount: -1}, {Account: a, Amount: 1}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := stateOf(t, db, s, fund, a, b, reward.Treasury)
				err := db.InTx(ctx, func(tx *store.Tx) error {
					_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Postings: tt.postings})
					return err
				})
				if err == nil {
					t.Fatal("accepted")
				}
				if !errors.Is(err, reward.ErrBadTransfer) && !errors.Is(err, reward.ErrInsufficient) {
					t.Fatalf("refused for another reason: %v", err)
				}
				if after := stateOf(t, db, s, fund, a, b, reward.Treasury); !after.equal(before) {
					t.Fatalf("a refused transfer changed the ledger: %+v → %+v", before, after)
				}
			})
		}
	})
}

// TestBalanceOverflowIsRefused: bounded postings keep every balance far
// from the int64 limit for any real history, but the running balance is
// moved with checked arithmetic all the same. An account brought next to
// the limit (here by hand, as a very long history would) refuses the
// posting that would cross it, writes nothing, and stays readable.
func TestBalanceOverflowIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		transfer := func(from, to string, amount int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.TaskPaid, Postings: []ledger.Posting{{Account: from, Amount: -amount}, {Account: to, Amount: amount}}})
				return err
			})
		}
		if err := transfer("funding:grant:x", "member:m-rich", 10); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE account_balances SET balance = $2, earned = $2 WHERE account = $1`, "member:m-rich", int64(math.MaxInt64-5))
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE account_balances SET balance = $2 WHERE account = $1`, "funding:grant:x", int64(math.MinInt64+5))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		accounts := []string{"funding:grant:x", "funding:grant:y", "member:m-rich", "member:m-poor"}
		before := stateOf(t, db, s, accounts...)
		for _, tt := range []struct{ from, to string }{
			{"funding:grant:y", "member:m-rich"}, // the credit would cross MaxInt64
			{"funding:grant:x", "member:m-poor"}, // the funding debit would cross MinInt64
		} {
			if err := transfer(tt.from, tt.to, 6); !errors.Is(err, points.ErrOverflow) {
				t.Fatalf("%s → %s: %v, want an overflow", tt.from, tt.to, err)
			}
		}
		if after := stateOf(t, db, s, accounts...); !after.equal(before) {
			t.Fatalf("a refused transfer changed the ledger: %+v → %+v", before, after)
		}
		if err := transfer("funding:grant:y", "member:m-rich", 5); err != nil {
			t.Fatalf("a credit up to the limit itself: %v", err)
		}
		if b, err := s.Balance(ctx, "member:m-rich"); err != nil || b != math.MaxInt64 {
			t.Fatalf("balance %d, %v", b, err)
		}
	})
}

// TestEpochCloseCapsOneIssue: no posting may exceed points.MaxTransfer, so
// a member who earned more shares than that in one epoch receives
// MaxTransfer and the rest at the next close, rather than the close
// failing for the whole cooperative.
func TestEpochCloseCapsOneIssue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada", "bob")
		e.close(t, t0)
		e.pay(t, ledger.TaskPaid, "ada", 100)
		e.pay(t, ledger.TaskPaid, "bob", 250)
		// ada's earnings as after a history far beyond any real one.
		huge := 3*points.MaxTransfer*100 + 142
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE account_balances SET earned = $1 WHERE account = 'member:m-ada'`, huge)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			closed, ok := e.close(t, t0.Add(time.Duration(i+1)*time.Hour))
			if !ok {
				t.Fatal("not closed")
			}
			if got := e.shares(t, "ada"); got != int64(i+1)*points.MaxTransfer {
				t.Fatalf("close %d: ada holds %d shares", i+1, got)
			}
			if i == 0 && (closed.Shares != points.MaxTransfer+2 || closed.Points != points.MaxTransfer*100+250) {
				t.Fatalf("first close: %+v", closed)
			}
		}
		closed, _ := e.close(t, t0.Add(4*time.Hour))
		if closed.Points != 142 || closed.Shares != 1 || e.shares(t, "ada") != 3*points.MaxTransfer+1 || e.shares(t, "bob") != 2 {
			t.Fatalf("the rest: %+v, ada %d, bob %d", closed, e.shares(t, "ada"), e.shares(t, "bob"))
		}
		if p, err := e.r.PendingPoints(t.Context(), e.ids["ada"]); err != nil || p != 0 {
			t.Fatalf("pending %d, %v", p, err)
		}
	})
}
