package store

import (
	"context"
	"fmt"
	"time"
)

// Lock waits for the named cluster-wide lock and returns its release. On
// PostgreSQL it is a session advisory lock, held on a connection of its
// own, so that of several replicas exactly one runs a singleton worker
// (the ledger publisher); if that replica dies, its connection closes and
// another takes over. SQLite has one server process per data folder (the
// app holds a lock on the folder), so the lock is always free.
func (db *DB) Lock(ctx context.Context, key int64) (release func(), err error) {
	if db.dialect != Postgres {
		return func() {}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %d: %w", key, err)
	}
	for {
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
			conn.Close()
			return nil, fmt.Errorf("lock %d: %w", key, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			conn.Close()
			return nil, ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
		conn.Close()
	}, nil
}
