package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func TestMigrateFromEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v, err := db.Version(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v != store.SchemaVersion() {
			t.Fatalf("schema version = %d, want %d", v, store.SchemaVersion())
		}
		for _, table := range []string{"members", "invitations", "sessions", "ledger_events", "jobs", "datanets", "projects", "items"} {
			var n int
			if err := db.Read().QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Errorf("table %s: %v", table, err)
			}
		}
	})
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dir))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, pg := names("sqlite"), names("postgres")
	if strings.Join(sqlite, ",") != strings.Join(pg, ",") {
		t.Fatalf("migrations differ between dialects:\nsqlite:   %v\npostgres: %v", sqlite, pg)
	}
	// The schema version is the highest step's number, which goose
	// records, however many files there are.
	var newest int64
	for _, name := range sqlite {
		n, err := strconv.ParseInt(name[:strings.IndexByte(name, '_')], 10, 64)
		if err != nil {
			t.Fatalf("migration %s is not numbered: %v", name, err)
		}
		newest = max(newest, n)
	}
	if newest != store.SchemaVersion() {
		t.Fatalf("SchemaVersion = %d, want %d", store.SchemaVersion(), newest)
	}
}

func TestReopenKeepsDataAndRefusesNewerSchema(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			u := storetest.URL(t, d)
			db, err := store.Open(t.Context(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			insertMember(t, db, "a@example.org")
			db.Close()

			db, err = store.Open(t.Context(), u, store.Options{})
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			if n := count(t, db, "members"); n != 1 {
				t.Fatalf("members after reopen = %d, want 1", n)
			}
			// A newer allmende migrated this database: this one must not touch it.
			if err := db.InTx(t.Context(), func(tx *store.Tx) error {
				_, err := tx.ExecContext(t.Context(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, store.SchemaVersion()+1)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = store.Open(t.Context(), u, store.Options{})
			if !errors.Is(err, store.ErrSchemaTooNew) {
				t.Fatalf("open newer schema: err = %v, want ErrSchemaTooNew", err)
			}
		})
	}
}

func TestTxRollsBackOnErrorAndPanic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		committed := false
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			tx.AfterCommit(func() { committed = true })
			if _, err := tx.ExecContext(t.Context(), insertMemberSQL, "p1", "x@example.org", 1); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		if committed {
			t.Fatal("AfterCommit ran for a rolled-back transaction")
		}
		func() {
			defer func() { _ = recover() }()
			_ = db.InTx(t.Context(), func(tx *store.Tx) error {
				if _, err := tx.ExecContext(t.Context(), insertMemberSQL, "p2", "y@example.org", 1); err != nil {
					return err
				}
				panic("half-way")
			})
		}()
		if n := count(t, db, "members"); n != 0 {
			t.Fatalf("members after rollbacks = %d, want 0", n)
		}
		// The writer is usable again after a panic.
		err = db.InTx(t.Context(), func(tx *store.Tx) error {
			tx.AfterCommit(func() { committed = true })
			_, err := tx.ExecContext(t.Context(), insertMemberSQL, "p3", "z@example.org", 1)
			return err
		})
		if err != nil || !committed || count(t, db, "members") != 1 {
			t.Fatalf("commit after rollback: err=%v committed=%v", err, committed)
		}
	})
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertMember(t, db, "dup@example.org")
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), insertMemberSQL, "other", "dup@example.org", 1)
			return err
		})
		if !store.IsUniqueViolation(err) {
			t.Fatalf("IsUniqueViolation(%v) = false", err)
		}
		if store.IsUniqueViolation(errors.New("unique")) {
			t.Fatal("a plain error counted as a unique violation")
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, want string
	}{
		{"missing folder", filepath.Join(notDir, "allmende.db"), "does not exist"},
		{"not a database", garbage, "not a SQLite database"},
		{"unreachable postgres", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", "cannot reach PostgreSQL"},
		{"bad postgres url", "postgres://a:secret@[::1", "bad --db URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Open(ctx, tt.url, store.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open(%q) error = %v, want it to mention %q", tt.url, err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

const insertMemberSQL = `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, 'Test', 'x', 'member', $3)`

func insertMember(t *testing.T, db *store.DB, email string) {
	t.Helper()
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), insertMemberSQL, "pid-"+email, email, store.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIsBadText: PostgreSQL refuses a NUL and invalid UTF-8 in text, and
// the store says so in a way the web layer can map to a 4xx.
func TestIsBadText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, s := range []string{"a\x00b", "\xff"} {
			var out string
			err := db.Read().QueryRowContext(t.Context(), `SELECT $1 || ''`, s).Scan(&out)
			if got, want := store.IsBadText(err), db.Dialect() == store.Postgres; got != want {
				t.Errorf("%q: IsBadText(%v) = %v, want %v", s, err, got, want)
			}
		}
		if store.IsBadText(errors.New("other")) {
			t.Error("any error counts as bad text")
		}
	})
}

// TestReadsSeeCommittedWrites: SQLite's reads go through prepared
// statements kept across calls; a kept statement must still read the newest
// committed state, not the snapshot it first ran in.
func TestReadsSeeCommittedWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i := 1; i <= 3; i++ {
			insertMember(t, db, fmt.Sprintf("m%d@example.org", i))
			if n := count(t, db, "members"); n != i {
				t.Fatalf("after %d inserts the read sees %d members", i, n)
			}
		}
	})
}
