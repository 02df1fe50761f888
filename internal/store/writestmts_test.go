package store_test

import (
	"context"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// Write transactions on SQLite run a statement seen twice through a
// prepared one, with the same results, and a text that fails to prepare
// still reports its own error.
func TestWriteStatementsArePreparedOnce(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite)
	run := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.InTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	run(func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE probe (n INTEGER PRIMARY KEY, v TEXT)`)
		return err
	})
	const ins = `INSERT INTO probe (n, v) VALUES ($1, $2)`
	const get = `SELECT v FROM probe WHERE n = $1`
	for i := range 5 {
		if i == 2 && !store.IsWriteCached(db, ins) {
			t.Errorf("after two transactions the insert is not prepared")
		}
		run(func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, ins, i, "v"+string(rune('a'+i))); err != nil {
				return err
			}
			var v string
			if err := tx.QueryRowContext(ctx, get, i).Scan(&v); err != nil {
				return err
			}
			if want := "v" + string(rune('a'+i)); v != want {
				t.Errorf("read %q in the transaction, want %q", v, want)
			}
			rows, err := tx.QueryContext(ctx, `SELECT count(*) FROM probe`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var n int
				if err := rows.Scan(&n); err != nil {
					return err
				}
				if n != i+1 {
					t.Errorf("%d rows, want %d", n, i+1)
				}
			}
			return rows.Err()
		})
	}
	// A rolled-back transaction leaves nothing, prepared or not.
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, ins, 99, "gone"); err != nil {
			return err
		}
		return context.Canceled
	})
	if err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM probe WHERE n = 99`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rolled-back row: %d, %v", n, err)
	}
	for range 3 {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`)
			return err
		})
		if err == nil {
			t.Fatal("insert into a missing table succeeded")
		}
	}
}
