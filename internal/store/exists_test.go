package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestMustExist: a tool that reads a cooperative must not make an empty one
// where --data or --db points by mistake.
func TestMustExist(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			if _, err := store.Open(t.Context(), url, store.Options{MustExist: true}); !errors.Is(err, store.ErrNoSchema) {
				t.Fatalf("MustExist on a fresh database: %v, want ErrNoSchema", err)
			}
			if d == store.SQLite {
				if _, err := os.Stat(url); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("the refused open created %s: %v", url, err)
				}
			}
			// Refused again: the first refusal left nothing that looks
			// like a cooperative.
			if _, err := store.Open(t.Context(), url, store.Options{MustExist: true}); !errors.Is(err, store.ErrNoSchema) {
				t.Fatalf("MustExist the second time: %v, want ErrNoSchema", err)
			}
			db, err := store.Open(t.Context(), url, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			db, err = store.Open(t.Context(), url, store.Options{MustExist: true})
			if err != nil {
				t.Fatalf("MustExist on a migrated database: %v", err)
			}
			db.Close()
		})
	}
}

func TestMustExistSQLiteFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	notOurs := filepath.Join(dir, "other.db")
	func() {
		db, err := store.Open(t.Context(), notOurs, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// A SQLite file whose goose table records no migration.
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `DELETE FROM goose_db_version WHERE version_id > 0`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}()
	before, _ := os.ReadDir(dir)
	if _, err := store.Open(t.Context(), empty, store.Options{MustExist: true}); !errors.Is(err, store.ErrNoSchema) {
		t.Errorf("empty file: %v, want ErrNoSchema", err)
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("the refused open created files: %v -> %v", before, after)
	}
	// Refused twice: the first refusal did not migrate it. (Reading a file
	// in WAL mode read-only may leave an empty -wal and -shm beside it.)
	for range 2 {
		if _, err := store.Open(t.Context(), notOurs, store.Options{MustExist: true}); !errors.Is(err, store.ErrNoSchema) {
			t.Errorf("SQLite file without migrations: %v, want ErrNoSchema", err)
		}
	}
}
