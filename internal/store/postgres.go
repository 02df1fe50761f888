package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// minPostgres is the oldest server we run on: 13 brought the features the
// migrations rely on and is the oldest release still widely packaged.
const minPostgres = 130000

func openPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgconnConfig(url)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %v; check --db and that the server is running", redactURL(url), shortPgError(err))
	}
	var version string
	if err := db.QueryRowContext(ctx, "SHOW server_version_num").Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("ask PostgreSQL for its version: %w", err)
	}
	if n, _ := strconv.Atoi(version); n < minPostgres {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL %s is too old: allmende needs 13 or newer", version)
	}
	return &DB{dialect: Postgres, write: db, read: db}, nil
}

func pgconnConfig(url string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("bad --db URL %s: %v", redactURL(url), shortPgError(err))
	}
	if cfg.ConnectTimeout == 0 {
		// Fail fast at start-up rather than hang on an unreachable host.
		cfg.ConnectTimeout = 5 * time.Second
	}
	return cfg, nil
}

// redactURL hides the password so that connection errors can be printed.
func redactURL(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	userinfo := url[scheme+3 : at]
	if colon := strings.Index(userinfo, ":"); colon >= 0 {
		return url[:scheme+3] + userinfo[:colon] + ":***" + url[at:]
	}
	return url
}

func shortPgError(err error) string {
	msg := err.Error()
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		msg = ce.Unwrap().Error()
	}
	// pgx reports each address it tried on its own line; the first says it.
	first, _, _ := strings.Cut(msg, "\n")
	return first
}

func isPostgresUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// IsBadText reports whether PostgreSQL refused a text value it cannot
// hold: a NUL character or invalid UTF-8 (SQLSTATE 22021, 22P05). The
// domain validators refuse such text with the field named before it gets
// here; this catches what reaches the database anyway, such as a lookup by
// a value nobody checked, so that it is the client's error, not a 500.
// SQLite stores such text, so it never reports it.
func IsBadText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}
