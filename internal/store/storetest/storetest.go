// Package storetest opens fresh databases for tests: a SQLite file always,
// and a PostgreSQL schema of its own when ALLMENDE_TEST_POSTGRES names a
// server, so that every store test runs on both dialects.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
// is removed when the test ends. On PostgreSQL it is a copy of a migrated
// template database (CREATE DATABASE … TEMPLATE), which takes a fraction of
// the time that running every migration in a new schema takes.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	var u string
	if d == store.Postgres {
		u = clone(t)
	} else {
		u = URL(t, d)
	}
	db, err := store.Open(t.Context(), u, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// FreshURL returns a connection URL to a fresh database of dialect d for
// code that opens the database itself (app.Open), removed when the test
// ends: on PostgreSQL a copy of the migrated template, as Open makes, so
// that opening it runs no migration; on SQLite a file in the test's
// temporary folder, which opening migrates (a second or less).
func FreshURL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.Postgres {
		return clone(t)
	}
	return URL(t, d)
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

// template is this process's migrated PostgreSQL template database.
var template struct {
	once sync.Once
	name string
	err  error
}

// clone returns the URL of a new PostgreSQL database copied from the
// migrated template, dropped when the test ends.
func clone(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Fatalf("%s is not set", EnvPostgres)
	}
	template.once.Do(func() { template.name, template.err = buildTemplate(base) })
	if template.err != nil {
		t.Fatalf("PostgreSQL template: %v", template.err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	name := "allmende_test_" + strings.ToLower(rand.Text()[:12])
	// Two processes copying one template at the same moment may be told it
	// is in use (55006); the copy is tried again.
	for try := 0; ; try++ {
		_, err = admin.ExecContext(context.Background(), "CREATE DATABASE "+name+" TEMPLATE "+template.name)
		if err == nil || try == 50 || !strings.Contains(err.Error(), "55006") {
			break
		}
		time.Sleep(time.Duration(20+try*10) * time.Millisecond)
	}
	if err != nil {
		admin.Close()
		t.Fatalf("copy the template: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	return withDatabase(t, base, name)
}

// buildTemplate finds or makes the migrated template. Its name carries the
// migrations' digest, so runs with the same schema share it and a changed
// migration gets a new one; a template is published by renaming a finished
// build, so a half-migrated one is never copied.
func buildTemplate(base string) (string, error) {
	name := "allmende_tmpl_" + store.MigrationsDigest()[:16]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	exists := func() (bool, error) {
		var n int
		err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n)
		return n > 0, err
	}
	if ok, err := exists(); err != nil || ok {
		return name, err
	}
	build := name + "_" + strings.ToLower(rand.Text()[:8])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+build); err != nil {
		return "", err
	}
	u, err := databaseURL(base, build)
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)")
		return "", err
	}
	db.Close()
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+build+" RENAME TO "+name); err != nil {
		// Another process published the same template first.
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)")
		if ok, err2 := exists(); err2 != nil || !ok {
			return "", fmt.Errorf("publish the template: %w", err)
		}
	}
	return name, nil
}

// withDatabase is base pointing at another database.
func withDatabase(t testing.TB, base, name string) string {
	t.Helper()
	u, err := databaseURL(base, name)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	return u
}

func databaseURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
