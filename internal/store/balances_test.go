package store_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestBalancesMigrationCarriesExistingPostings: the running balances
// (migration 00009) start from the postings a cooperative already has —
// each account's sum, and for member accounts the points earned by
// task.paid and reward.split — so that no balance and no epoch changes by
// the upgrade.
func TestBalancesMigrationCarriesExistingPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := db.MigrateDownTo(ctx, 8); err != nil {
			t.Fatal(err)
		}
		events := []struct {
			id, typ  string
			postings map[string]int64
		}{
			{"e1", "funds.deposited", map[string]int64{"funding:client:m-a": -1000, "member:m-a": 1000}},
			{"e2", "task.paid", map[string]int64{"escrow:project:1": -40, "member:m-a": 40}},
			{"e3", "reward.split", map[string]int64{"member:m-a": -100, "member:m-b": 70, "treasury": 30}},
			{"e4", "reward.split", map[string]int64{"member:m-b": -50, "member:m-a": 35, "treasury": 15}},
			{"e5", "escrow.funded", map[string]int64{"funding:requester:m-r": -500, "escrow:project:1": 500}},
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, ev := range events {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_events (event_id, type, entry, created_at) VALUES ($1, $2, $3, $4)`, ev.id, ev.typ, []byte("{}"), int64(i)); err != nil {
					return err
				}
				for account, amount := range ev.postings {
					if _, err := tx.ExecContext(ctx, `INSERT INTO postings (event_id, account, amount, created_at) VALUES ($1, $2, $3, $4)`, ev.id, account, amount, int64(i)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int64{ // balance, earned
			"funding:client:m-a":    {-1000, 0},
			"funding:requester:m-r": {-500, 0},
			"escrow:project:1":      {460, 0},
			"member:m-a":            {975, 75},
			"member:m-b":            {20, 70},
			"treasury":              {45, 0},
		}
		rows, err := db.Read().QueryContext(ctx, `SELECT account, balance, earned FROM account_balances`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string][2]int64{}
		for rows.Next() {
			var account string
			var b, e int64
			if err := rows.Scan(&account, &b, &e); err != nil {
				t.Fatal(err)
			}
			got[account] = [2]int64{b, e}
		}
		if len(got) != len(want) {
			t.Fatalf("balances %v, want %v", got, want)
		}
		for account, w := range want {
			if got[account] != w {
				t.Errorf("%s: balance and earned %v, want %v", account, got[account], w)
			}
		}
	})
}
