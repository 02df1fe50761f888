package store_test

import (
	"database/sql"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestPurgeFailsWhileAReaderHoldsTheLog: while a reader keeps a snapshot
// that reaches into the write-ahead log, the log cannot be truncated, and
// SQLite says so in the checkpoint's result row (busy), not with an error.
// Purge must report that, so that an erasure tells the member to try
// again instead of answering success while the log still holds the old
// rows; once the reader is done, Purge empties the log.
func TestPurgeFailsWhileAReaderHoldsTheLog(t *testing.T) {
	ctx := t.Context()
	path := storetest.URL(t, store.SQLite)
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store.SetPurgeWait(db, 200*time.Millisecond)
	insertMember(t, db, "a@example.org")

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	reader, err := other.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the reader sees %d members (%v)", n, err)
	}
	insertMember(t, db, "b@example.org")
	if err := db.Purge(ctx); err == nil {
		t.Fatal("Purge reported success while a reader kept the write-ahead log from being truncated")
	} else if !errors.Is(err, store.ErrPurgeBusy) || !problem.Is(err, problem.Unavailable) {
		t.Fatalf("Purge with a reader: %v, want ErrPurgeBusy, an unavailable problem (erase again)", err)
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := db.Purge(ctx); err != nil {
		t.Fatalf("Purge after the reader finished: %v", err)
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() != 0 {
		t.Fatalf("after Purge the write-ahead log is %v (%v), want empty", st, err)
	}
}
