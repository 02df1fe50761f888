package reward_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestKeptBalancesMatchPostings checks the running balances against the
// postings they sum, after random transfers of every kind, with several
// postings to one account in one event and in any order: the balance is the
// sum of an account's postings, and what it earned the sum of its positive
// postings of task.paid and reward.split events.
func TestKeptBalancesMatchPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		accounts := []string{"member:m-a", "member:m-b", "treasury", "escrow:project:1", "shares:m-a"}
		types := []ledger.Type{ledger.TaskPaid, ledger.RewardSplit, ledger.FundsDeposited, ledger.EscrowFunded}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 200 {
			var postings []ledger.Posting
			var total int64
			for range 1 + rng.IntN(4) {
				amount := int64(rng.IntN(1000) + 1)
				postings = append(postings, ledger.Posting{Account: accounts[rng.IntN(len(accounts))], Amount: amount})
				total += amount
			}
			postings = append(postings, ledger.Posting{Account: "funding:requester:m-r", Amount: -total})
			rng.Shuffle(len(postings), func(i, j int) { postings[i], postings[j] = postings[j], postings[i] })
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: types[rng.IntN(len(types))], Postings: postings})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range append(accounts, "funding:requester:m-r", "member:nobody") {
			var sum, earned int64
			if err := db.Read().QueryRowContext(ctx, `
				SELECT COALESCE(sum(p.amount), 0),
				       COALESCE(sum(CASE WHEN p.amount > 0 AND e.type IN ('task.paid', 'reward.split') THEN p.amount END), 0)
				FROM postings p JOIN ledger_events e ON e.event_id = p.event_id WHERE p.account = $1`, a).Scan(&sum, &earned); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Balance(ctx, a); err != nil || got != sum {
				t.Errorf("balance of %s = %d (%v), postings sum to %d", a, got, err, sum)
			}
			var kept int64
			_ = db.Read().QueryRowContext(ctx, `SELECT earned FROM account_balances WHERE account = $1`, a).Scan(&kept)
			if kept != earned {
				t.Errorf("earned by %s = %d, postings of earning events sum to %d", a, kept, earned)
			}
		}
	})
}

// TestOverflowingBalanceIsRefused: a transfer that would take a balance
// past the largest int64 fails whole, and the balance stays readable —
// before balances were kept, it was stored and every later read of the
// balance failed with an integer overflow.
func TestOverflowingBalanceIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		s := reward.NewService(db, l)
		move := func(amount int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Postings: []ledger.Posting{
					{Account: "funding:a", Amount: -amount}, {Account: "member:m-rich", Amount: amount}}})
				return err
			})
		}
		if err := move(math.MaxInt64 - 10); err != nil {
			t.Fatal(err)
		}
		before, _ := l.Stats(ctx)
		if err := move(11); err == nil {
			t.Fatal("a transfer past the largest balance was accepted")
		}
		if after, _ := l.Stats(ctx); after.Events != before.Events {
			t.Fatalf("the refused transfer left %d events", after.Events-before.Events)
		}
		if b, err := s.Balance(ctx, "member:m-rich"); err != nil || b != math.MaxInt64-10 {
			t.Fatalf("balance = %d, %v; want %d", b, err, int64(math.MaxInt64-10))
		}
	})
}
