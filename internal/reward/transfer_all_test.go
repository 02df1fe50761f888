package reward_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestTransferAllIsTransfersInOrder applies one random sequence of
// transfers — several touching the same accounts, later ones spending
// what earlier ones paid in — with TransferAll in one transaction and,
// on a twin database, with Transfer one by one. Balances, points earned,
// income totals, postings and the events' order and postings must come
// out the same.
func TestTransferAllIsTransfersInOrder(t *testing.T) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(5, 8))
	members := []string{"member:m-a", "member:m-b", "member:m-c"}
	var evs []ledger.Event
	for i := range 60 {
		m := members[rng.IntN(len(members))]
		amount := int64(rng.IntN(90) + 10)
		ev := ledger.Event{Type: ledger.TaskPaid, Scope: "project:1", Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -amount}, {Account: m, Amount: amount}}}
		if i%3 == 2 { // a member passes on part of what they were paid
			ev = ledger.Event{Type: ledger.RewardSplit, Scope: "project:1", Postings: []ledger.Posting{{Account: m, Amount: -5}, {Account: reward.Treasury, Amount: 5}}}
		}
		evs = append(evs, ev)
	}
	all := storetest.Open(t, store.SQLite)
	one := storetest.Open(t, store.SQLite)
	var allIDs, oneIDs []string
	if err := all.InTx(ctx, func(tx *store.Tx) error {
		var err error
		allIDs, err = reward.NewService(all, ledger.New(all)).TransferAll(ctx, tx, evs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s := reward.NewService(one, ledger.New(one))
	for i, ev := range evs {
		if err := one.InTx(ctx, func(tx *store.Tx) error {
			id, err := s.Transfer(ctx, tx, ev)
			oneIDs = append(oneIDs, id)
			return err
		}); err != nil {
			t.Fatalf("transfer %d: %v", i, err)
		}
	}
	if len(allIDs) != len(evs) {
		t.Fatalf("%d ids for %d events", len(allIDs), len(evs))
	}
	tables := []struct{ name, query string }{
		{"balances", `SELECT account || '=' || balance || '/' || earned FROM account_balances ORDER BY account`},
		{"income", `SELECT account || ' ' || kind || '=' || amount FROM income_totals ORDER BY account, kind`},
		{"events", `SELECT e.type || ' ' || p.account || '=' || p.amount FROM ledger_events e JOIN postings p ON p.event_id = e.event_id ORDER BY e.seq, p.id`},
	}
	for _, tb := range tables {
		got, want := dump(t, all, tb.query), dump(t, one, tb.query)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("%s after TransferAll:\n%v\nafter one Transfer each:\n%v", tb.name, got, want)
		}
	}
}

// TestTransferAllRefusesAllIfOneOverdraws: a transfer that would
// overdraw an account, given the ones before it in the batch, refuses the
// whole batch and writes nothing; the same batch in the other order, where
// the money arrives first, goes through.
func TestTransferAllRefusesAllIfOneOverdraws(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		pay := ledger.Event{Type: ledger.TaskPaid, Scope: "project:1", Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -10}, {Account: "member:m-a", Amount: 10}}}
		spend := ledger.Event{Type: ledger.RewardSplit, Scope: "project:1", Postings: []ledger.Posting{{Account: "member:m-a", Amount: -10}, {Account: reward.Treasury, Amount: 10}}}
		twice := ledger.Event{Type: ledger.RewardSplit, Scope: "project:1", Postings: []ledger.Posting{{Account: "member:m-a", Amount: -1}, {Account: reward.Treasury, Amount: 1}}}
		before := stateOf(t, db, s, "funding:grant:x", "member:m-a", reward.Treasury)
		for _, batch := range [][]ledger.Event{{spend, pay}, {pay, spend, twice}} {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.TransferAll(ctx, tx, batch)
				return err
			})
			if !errors.Is(err, reward.ErrInsufficient) {
				t.Fatalf("an overdrawing batch of %d: %v", len(batch), err)
			}
			if after := stateOf(t, db, s, "funding:grant:x", "member:m-a", reward.Treasury); !after.equal(before) {
				t.Fatalf("a refused batch changed the ledger: %+v → %+v", before, after)
			}
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := s.TransferAll(ctx, tx, []ledger.Event{pay, spend})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		after := stateOf(t, db, s, "funding:grant:x", "member:m-a", reward.Treasury)
		if got := fmt.Sprint(after.events, after.postings, after.balances["funding:grant:x"], after.balances["member:m-a"], after.balances[reward.Treasury]); got != "2 4 -10 0 10" {
			t.Fatalf("events, postings, balances: %s", got)
		}
	})
}

func dump(t *testing.T, db *store.DB, query string) []string {
	t.Helper()
	rows, err := db.Read().QueryContext(t.Context(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
