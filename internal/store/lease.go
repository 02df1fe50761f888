package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"
)

// LeaseCheck is how often Lease looks whether its lock is still held, and
// how often a waiting Lease tries to take it.
const LeaseCheck = time.Second

// Lease is Lock for a leader that must stop when it stops being one. It
// waits for the named cluster-wide lock and returns held, a context that
// ends when ctx does or when the lock is lost: on PostgreSQL the lock is a
// session advisory lock on a connection of its own, checked every
// LeaseCheck, and it is lost when that connection ends (the server
// restarted, an operator terminated the session, the network failed).
// Whoever waits in Lease takes the lock as soon as the holder's session
// ends, so a replica killed with SIGKILL hands over within about
// LeaseCheck. release gives the lock up; call it when done, lost or not.
//
// SQLite has one server process per data folder, so there the lease is
// always granted and only ctx ends it.
func (db *DB) Lease(ctx context.Context, key int64) (held context.Context, release func(), err error) {
	if db.dialect != Postgres {
		held, cancel := context.WithCancel(ctx)
		return held, cancel, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("lease %d: %w", key, err)
	}
	for {
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("lease %d: %w", key, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			conn.Close()
			return nil, nil, ctx.Err()
		case <-time.After(LeaseCheck):
		}
	}
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(LeaseCheck)
		defer t.Stop()
		for {
			select {
			case <-held.Done():
				return
			case <-t.C:
			}
			// A session lock lasts as long as the session: if the
			// connection still answers, the lock is still ours.
			check, stop := context.WithTimeout(held, leaseAnswer)
			_, err := conn.ExecContext(check, `SELECT 1`)
			stop()
			if err != nil && held.Err() == nil {
				cancel(fmt.Errorf("lease %d lost: %w", key, err))
				return
			}
		}
	}()
	return held, func() {
		cancel(nil)
		<-done
		unlock, stop := context.WithTimeout(context.Background(), leaseAnswer)
		defer stop()
		var unlocked bool
		err := conn.QueryRowContext(unlock, `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked)
		if err != nil || !unlocked {
			// A session that may still hold the lock must not go back to
			// the pool, where it would keep every replica from leading:
			// ErrBadConn makes database/sql close it, and PostgreSQL drops
			// the lock with the session.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// leaseAnswer is how long the lock's connection may take to answer a check
// before the lease counts as lost. It is generous so that a busy database
// does not make leaders change hands.
const leaseAnswer = 10 * time.Second
