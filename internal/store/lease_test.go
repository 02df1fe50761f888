package store_test

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestLeaseMovesWhenTheHolderSessionEnds: of two replicas waiting for one
// lease, the second takes it as soon as the first one's session ends — as
// when its process is killed — and the first learns that it lost it, so
// that it stops leading even though its process lives on.
func TestLeaseMovesWhenTheHolderSessionEnds(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
	u := storetest.URL(t, store.Postgres)
	open := func() *store.DB {
		db, err := store.Open(t.Context(), u, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	// Tests share the database's advisory locks: a key of our own.
	var kb [8]byte
	rand.Read(kb[:])
	key := int64(binary.BigEndian.Uint64(kb[:]) >> 1)

	heldA, releaseA, err := a.Lease(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseA()
	type lease struct {
		held    context.Context
		release func()
		err     error
	}
	got := make(chan lease, 1)
	go func() {
		h, r, err := b.Lease(t.Context(), key)
		got <- lease{h, r, err}
	}()
	select {
	case <-got:
		t.Fatal("a second replica took the lease while the first held it")
	case <-time.After(2 * store.LeaseCheck):
	}

	// The holder's session ends, as it does when its process dies.
	var n int
	err = b.Read().QueryRowContext(t.Context(), `
		SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		uint32(uint64(key)>>32), uint32(key)).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the holder's session: %d sessions, %v", n, err)
	}
	select {
	case l := <-got:
		if l.err != nil {
			t.Fatal(l.err)
		}
		defer l.release()
		if l.held.Err() != nil {
			t.Error("the new lease ended at once")
		}
	case <-time.After(10 * store.LeaseCheck):
		t.Fatal("the lease did not move to the waiting replica")
	}
	select {
	case <-heldA.Done():
		if cause := context.Cause(heldA); cause == nil || !strings.Contains(cause.Error(), "lost") {
			t.Errorf("cause %v, want the lease lost", cause)
		}
	case <-time.After(5 * store.LeaseCheck):
		t.Fatal("the old holder did not learn that it lost the lease")
	}
}

// TestLeaseOnSQLite: one server per folder, so the lease is granted at once
// and ends with its context or its release.
func TestLeaseOnSQLite(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx, cancel := context.WithCancel(t.Context())
	held, release, err := db.Lease(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if held.Err() != nil {
		t.Fatal("the lease ended at once")
	}
	cancel()
	<-held.Done()
	release()
}
