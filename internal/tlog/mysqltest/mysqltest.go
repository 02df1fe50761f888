// Package mysqltest gives tests a fresh MySQL or MariaDB database of their
// own on the server that ALLMENDE_TEST_MYSQL names, for the transparency
// log on a shared engine. Tests skip only when the variable is unset;
// .ci/run sets it.
package mysqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// Env names the environment variable holding a go-sql-driver DSN of a
// server where tests may create databases, e.g.
// root@tcp(127.0.0.1:3306)/test.
const Env = "ALLMENDE_TEST_MYSQL"

// DSN returns the DSN of a new, empty database (test_<random>) that is
// dropped when the test ends. It skips the test when Env is unset.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		t.Skipf("%s is not set", Env)
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	admin, err := sql.Open("mysql", base)
	if err != nil {
		t.Fatalf("open %s: %v", Env, err)
	}
	name := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create database on %s: %v", Env, err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}
