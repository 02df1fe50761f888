package store

import "time"

// SetLease shortens a runner's lease so tests can watch an abandoned job be
// claimed again.
func (r *Runner) SetLease(d time.Duration) { r.lease = d }

// SetPurgeWait shortens how long Purge waits for readers, so that a test
// of a reader that never finishes does not wait the full busy timeout.
func SetPurgeWait(db *DB, d time.Duration) { db.purgeWait = d }
