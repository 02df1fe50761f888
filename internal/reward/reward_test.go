package reward_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestInvariantsOverRandomTransfers applies a random sequence of transfers
// — some of them invalid: overdrawing, not summing to zero — and checks
// after each that the ledger as a whole sums to zero, that no account but a
// funding account is negative, and that a refused transfer left nothing
// behind.
func TestInvariantsOverRandomTransfers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		s := reward.NewService(db, l)
		accounts := []string{"funding:requester:m-r", "escrow:project:1", "member:m-a", "member:m-b", "treasury"}
		rng := rand.New(rand.NewPCG(42, uint64(len(db.Dialect()))))
		refused, done := 0, 0
		for step := range 300 {
			from := accounts[rng.IntN(len(accounts))]
			to := accounts[rng.IntN(len(accounts))]
			if from == to {
				continue
			}
			amount := int64(rng.IntN(500) + 1)
			postings := []ledger.Posting{{Account: from, Amount: -amount}, {Account: to, Amount: amount}}
			if rng.IntN(10) == 0 { // an unbalanced transfer
				postings[1].Amount++
			}
			before, _ := l.Stats(ctx)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Scope: "project:1", Postings: postings})
				return err
			})
			if err != nil {
				refused++
				after, _ := l.Stats(ctx)
				if after.Events != before.Events {
					t.Fatalf("step %d: a refused transfer left a ledger event", step)
				}
			} else {
				done++
			}
			var total int64
			db.Read().QueryRowContext(ctx, `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total)
			if total != 0 {
				t.Fatalf("step %d: postings sum to %d", step, total)
			}
			for _, a := range accounts[1:] {
				if b, _ := s.Balance(ctx, a); b < 0 {
					t.Fatalf("step %d: %s is at %d", step, a, b)
				}
			}
		}
		if refused == 0 || done == 0 {
			t.Fatalf("the sequence did not exercise both paths: %d done, %d refused", done, refused)
		}
	})
}

func TestOverdraftIsRefused(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	s := reward.NewService(db, ledger.New(db))
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := s.Transfer(t.Context(), tx, ledger.Event{Type: ledger.TaskPaid, Postings: []ledger.Posting{{Account: "escrow:project:9", Amount: -5}, {Account: "member:m-x", Amount: 5}}})
		return err
	})
	if !errors.Is(err, reward.ErrInsufficient) {
		t.Fatalf("paying from an empty escrow: %v", err)
	}
}

// Transfers out of one account at the same moment cannot overdraw it
// together: while one transaction has spent the whole balance and not yet
// committed, a second one waits for it, then sees the balance gone.
func TestConcurrentDebitsDoNotOverdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		spend := func(tx *store.Tx, to string) error {
			_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited,
				Postings: []ledger.Posting{{Account: "member:m-bob", Amount: -100}, {Account: to, Amount: 100}}})
			return err
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited,
				Postings: []ledger.Posting{{Account: "funding:grant:test", Amount: -100}, {Account: "member:m-bob", Amount: 100}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		spent, commit := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.InTx(ctx, func(tx *store.Tx) error {
				if err := spend(tx, "escrow:run:1"); err != nil {
					return err
				}
				close(spent)
				<-commit
				return nil
			})
		}()
		<-spent
		second := make(chan error, 1)
		go func() { second <- db.InTx(ctx, func(tx *store.Tx) error { return spend(tx, "escrow:run:2") }) }()
		select {
		case err := <-second:
			close(commit)
			t.Fatalf("a second debit of the whole balance finished while the first was open: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
		close(commit)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-second; !errors.Is(err, reward.ErrInsufficient) {
			t.Fatalf("the second debit: %v, want insufficient balance", err)
		}
		if b, _ := s.Balance(ctx, "member:m-bob"); b != 0 {
			t.Fatalf("bob holds %d", b)
		}
	})
}
