package model

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// Concurrent charges share transactions, yet each commits or fails alone:
// a failing one leaves nothing behind, the others are all kept, and every
// caller gets its own charge's result.
func TestChargeBatchFailsAChargeAlone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE batch_probe (n INTEGER PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var b chargeBatch
	var shared sync.Mutex
	batchSizes := map[*store.Tx]int{}
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = b.do(context.WithoutCancel(ctx), db, func(tx *store.Tx) error {
				shared.Lock()
				batchSizes[tx]++
				shared.Unlock()
				if _, err := tx.ExecContext(ctx, `INSERT INTO batch_probe (n) VALUES ($1)`, i); err != nil {
					return err
				}
				if i%7 == 3 {
					return fmt.Errorf("charge %d refused", i)
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if want := i%7 == 3; want != (err != nil) || (want && err.Error() != fmt.Sprintf("charge %d refused", i)) {
			t.Errorf("charge %d: %v", i, err)
		}
		var got int
		err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM batch_probe WHERE n = $1`, i).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 0, false: 1}[i%7 == 3]; got != want {
			t.Errorf("charge %d left %d rows, want %d", i, got, want)
		}
	}
	most := 0
	for _, size := range batchSizes {
		most = max(most, size)
	}
	if most < 2 || most > maxChargeBatch {
		t.Errorf("largest batch %d charges, want 2..%d", most, maxChargeBatch)
	}
	if b.busy || len(b.pending) != 0 {
		t.Errorf("after the calls: busy %v, %d pending", b.busy, len(b.pending))
	}
}

// A charge alone returns its own error and leaves no batch running.
func TestChargeBatchAlone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	var b chargeBatch
	boom := errors.New("boom")
	err := b.do(t.Context(), db, func(tx *store.Tx) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if b.busy || len(b.pending) != 0 {
		t.Errorf("after the call: busy %v, %d pending", b.busy, len(b.pending))
	}
}
