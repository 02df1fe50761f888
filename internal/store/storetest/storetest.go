// Package storetest opens fresh databases for tests: a SQLite file always,
// and a PostgreSQL schema of its own when ALLMENDE_TEST_POSTGRES names a
// server, so that every store test runs on both dialects.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas
)

// EnvPostgres names the environment variable holding a PostgreSQL URL for
// tests. .ci/run sets it; locally, export it to include PostgreSQL.
const EnvPostgres = "ALLMENDE_TEST_POSTGRES"

// Each runs fn once per available dialect, as subtests named after it.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Dialects lists SQLite, and PostgreSQL if EnvPostgres is set.
func Dialects(t *testing.T) []store.Dialect {
	ds := []store.Dialect{store.SQLite}
	if os.Getenv(EnvPostgres) != "" {
		ds = append(ds, store.Postgres)
	}
	return ds
}

// Open returns a freshly migrated, empty database of the given dialect that
// is removed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	u := URL(t, d)
	db, err := store.Open(t.Context(), u, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// URL returns a connection URL to a fresh, empty database of dialect d: a
// file in the test's temporary folder, or a new PostgreSQL schema (dropped
// at cleanup) reached through search_path, which is far quicker than
// creating a database per test.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "allmende.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Fatalf("%s is not set", EnvPostgres)
	}
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
