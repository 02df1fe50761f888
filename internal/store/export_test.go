package store

import "time"

// SetLease shortens a runner's lease so tests can watch an abandoned job be
// claimed again.
func (r *Runner) SetLease(d time.Duration) { r.lease = d }
