package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteParams are set on every connection. busy_timeout comes first (the
// driver applies it before anything else) so that opening beside another
// process waits instead of failing. synchronous=NORMAL in WAL mode survives
// a crash of the process (kill -9) without losing a committed transaction;
// only a power cut can lose the last few, which a cooperative on one machine
// accepts for a tenfold faster commit. Set ALLMENDE_SQLITE_SYNC=FULL to trade
// that back.
// sqliteBusyTimeout is how long, in milliseconds, a connection waits for
// a lock another holds.
const sqliteBusyTimeout = "10000"

func sqliteParams(readOnly bool) url.Values {
	q := url.Values{}
	q.Set("_busy_timeout", sqliteBusyTimeout)
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "1")
	sync := os.Getenv("ALLMENDE_SQLITE_SYNC")
	if sync == "" {
		sync = "NORMAL"
	}
	q.Set("_synchronous", sync)
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		// Overwrite deleted rows with zeros, so that erased content (and
		// destroyed keys) do not linger in free pages of the file.
		q.Add("_pragma", "secure_delete(1)")
		// Take the write lock at BEGIN: a deferred transaction that reads
		// first and writes later can fail with SQLITE_BUSY mid-way when
		// another process holds the lock; an immediate one waits up front.
		q.Set("_txlock", "immediate")
	}
	return q
}

func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	path = stripFilePrefix(path)
	if path == "" || path == ":memory:" {
		return nil, errors.New("sqlite needs a file path: an in-memory database cannot be shared by the writer and the readers")
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("database folder %s does not exist: create it or choose another --data", dir)
		}
	}
	dsn := func(readOnly bool) string {
		return "file:" + path + "?" + sqliteParams(readOnly).Encode()
	}
	write, err := sql.Open("sqlite", dsn(false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, describeSQLiteError(err))
	}
	read, err := sql.Open("sqlite", dsn(true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = 4
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{dialect: SQLite, write: write, read: read, reads: newStmtCache(read), writes: newWriteStmts(write), writeTurn: make(chan struct{}, 1)}, nil
}

func stripFilePrefix(path string) string {
	if len(path) > 5 && path[:5] == "file:" {
		path = path[5:]
	}
	if u, err := url.Parse(path); err == nil && u.RawQuery != "" {
		return u.Path
	}
	return path
}

// describeSQLiteError turns the driver's codes into advice a person can act on.
func describeSQLiteError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
			return fmt.Errorf("%w (is the data folder writable?)", err)
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w (the file is not a SQLite database)", err)
		}
	}
	return err
}

// IsUniqueViolation reports whether err comes from a UNIQUE or PRIMARY KEY
// constraint, in either dialect.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return isPostgresUniqueViolation(err)
}
