// Package store opens the cooperative's database — embedded SQLite or
// PostgreSQL — migrates it, and gives every domain package one way to run a
// transaction.
//
// Both dialects are reached through database/sql and share their query text:
// modernc.org/sqlite accepts PostgreSQL's $1 placeholders and RETURNING, so
// only the schema (migrations/<dialect>) and the few statements that must
// differ (row locking in the job queue) are written twice.
//
// SQLite gets one writer connection and a pool of read-only connections: WAL
// lets readers run beside the single writer, and funnelling writes through one
// connection turns lock contention into a queue instead of SQLITE_BUSY errors.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/trace"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
)

// Dialect names the SQL database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// DB is an open, migrated database.
type DB struct {
	dialect Dialect
	write   *sql.DB // the only connection that writes (SQLite); the pool (PostgreSQL)
	read    *sql.DB // read-only pool; the same pool as write on PostgreSQL
	// reads prepares SQLite's read queries once (stmtcache.go); nil on
	// PostgreSQL, whose driver keeps its own statement cache.
	reads *stmtCache
	// writes prepares SQLite's write transactions' statements
	// (writestmts.go); nil on PostgreSQL.
	writes *writeStmts
	// writeTurn queues SQLite's writers first come, first served:
	// database/sql hands its one connection to a random waiter, which
	// under load leaves some transactions waiting seconds.
	writeTurn chan struct{}
	// purgeWait, if set, is how long Purge waits for readers instead of
	// the connection's busy timeout (tests).
	purgeWait time.Duration
}

// Querier is what both a transaction and the read pool offer, so a lookup
// can run inside a transaction or on its own.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Options tune Open. The zero value is a sensible default.
type Options struct {
	// ReadConns is the size of SQLite's read pool (default 4).
	ReadConns int
	// MustExist refuses, with ErrNoSchema, a database that does not exist
	// or was never migrated, before creating anything; tools that read a
	// cooperative set it. An existing schema is still migrated.
	MustExist bool
}

// Open connects to the database named by url and migrates it to the newest
// schema. url is either a PostgreSQL URL (postgres:// or postgresql://) or
// a SQLite file path (optionally prefixed with sqlite:// or file:).
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	var (
		db  *DB
		err error
	)
	if isPostgresURL(url) {
		db, err = openPostgres(ctx, url)
		if err == nil && opt.MustExist {
			if err = db.checkPostgresSchema(ctx, "database "+redactURL(url)); err != nil {
				db.Close()
			}
		}
	} else {
		path := strings.TrimPrefix(url, "sqlite://")
		if opt.MustExist {
			if err := checkSQLiteSchema(ctx, stripFilePrefix(path)); err != nil {
				return nil, err
			}
		}
		db, err = openSQLite(ctx, path, opt)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func isPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Read returns the pool for queries outside a transaction.
func (db *DB) Read() Querier {
	if db.reads != nil {
		return db.reads
	}
	return db.read
}

// PreparedStatements is how many read queries SQLite keeps prepared (0
// on PostgreSQL, whose driver keeps its own cache): at most a few hundred,
// however many distinct queries ran.
func (db *DB) PreparedStatements() int {
	if db.reads == nil {
		return 0
	}
	return db.reads.len()
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.reads != nil {
		db.reads.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Tx is a transaction in progress.
type Tx struct {
	*sql.Tx
	afterCommit []func()
	writes      *writeStmts
}

// AfterCommit runs fn once the transaction has committed; it is not run if
// the transaction rolls back. Use it to wake workers that act on what the
// transaction wrote, such as the ledger outbox.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// InTx runs fn in a transaction and commits it if fn returns nil. Any error
// from fn, or a panic, rolls everything back. It is the one way domain
// packages write, so that a change and the ledger events it causes commit
// together or not at all.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.writeTurn != nil {
		wait := trace.StartRegion(ctx, "store.writeWait")
		select {
		case db.writeTurn <- struct{}{}:
			wait.End()
			defer func() { <-db.writeTurn }()
		case <-ctx.Done():
			return fmt.Errorf("begin transaction: %w", ctx.Err())
		}
	}
	defer trace.StartRegion(ctx, "store.tx").End()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: sqlTx, writes: db.writes}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if db.writes != nil {
		db.writes.prepareWanted(context.WithoutCancel(ctx))
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// Now is the time stored in rows: Unix milliseconds, the one time format
// both dialects hold in a BIGINT without conversion rules.
func Now() int64 { return time.Now().UnixMilli() }

// Time turns a stored Unix-millisecond value back into a time.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// ErrPurgeBusy is returned by Purge when readers kept the write-ahead log
// from being emptied: what it held is still on disk. It is an Unavailable
// problem (503), so that an erasure that ends in it tells the member to
// erase again, which finishes it once the readers are done.
var ErrPurgeBusy = &problem.Error{Kind: problem.Unavailable,
	Message: "What you erased is gone from the database, but the database's log still held a copy while others read it. Erase again in a moment to finish."}

// Purge makes deletions final on disk where the database allows it: on
// SQLite it checkpoints the write-ahead log into the main file (whose
// deleted pages secure_delete has zeroed) and truncates the log, so no old
// copy of an erased row stays in it. A reader whose snapshot reaches into
// the log blocks that; Purge waits for it as long as the busy timeout
// allows and then fails with ErrPurgeBusy. (SQLite reports this in the
// checkpoint's result row, not as an error.) PostgreSQL reclaims deleted
// rows on its own (autovacuum); its operators purge WAL archives by
// retention.
func (db *DB) Purge(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	defer conn.Close()
	if db.purgeWait > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, db.purgeWait.Milliseconds())); err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = `+sqliteBusyTimeout)
	}
	// busy is 1 when a reader (or a writer of another process) kept the
	// checkpoint from finishing; log and done are the frames in the log
	// and those copied into the database (-1 if not in WAL mode).
	var busy, log, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if busy != 0 || log != done {
		return fmt.Errorf("purge: %w (%d of %d frames copied back)", ErrPurgeBusy, done, log)
	}
	return nil
}

// Snapshot writes a consistent copy of a SQLite database to path (VACUUM
// INTO), while the server may keep writing. PostgreSQL has its own tools
// (pg_dump) and is refused here.
func (db *DB) Snapshot(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return fmt.Errorf("snapshot: the database is PostgreSQL; back it up with pg_dump --exclude-table-data=member_keys --exclude-table-data=content_keys --exclude-table-data=sessions")
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}
