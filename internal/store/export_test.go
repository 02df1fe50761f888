package store

import "time"

// SetLease shortens a runner's lease so tests can watch an abandoned job be
// claimed again.
func (r *Runner) SetLease(d time.Duration) { r.lease = d }

// SetPurgeWait shortens how long Purge waits for readers, so that a test
// of a reader that never finishes does not wait the full busy timeout.
func SetPurgeWait(db *DB, d time.Duration) { db.purgeWait = d }

// MaxCachedStmts is how many read statements SQLite's cache keeps.
const MaxCachedStmts = maxCachedStmts

// IsCached reports whether SQLite's read cache holds a prepared statement
// for query.
func IsCached(db *DB, query string) bool {
	db.reads.mu.Lock()
	defer db.reads.mu.Unlock()
	_, ok := db.reads.stmts[query]
	return ok
}

// StopHeartbeats makes a runner stop extending its jobs' leases while its
// handlers keep running, as if its process had stalled or died.
func (r *Runner) StopHeartbeats() { r.silent.Store(true) }

// IsWriteCached reports whether SQLite's write cache holds a prepared
// statement for query.
func IsWriteCached(db *DB, query string) bool {
	db.writes.mu.Lock()
	defer db.writes.mu.Unlock()
	_, ok := db.writes.stmts[query]
	return ok
}
