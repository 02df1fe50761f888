package app

import (
	"context"
	"time"

	"github.com/allmende/allmende/internal/ledger"
)

// publishLock is the PostgreSQL advisory lock key held by the replica that
// publishes the ledger to the log: the log has exactly one writer.
const publishLock = 0x616c6d6c6f67 // "almlog"

// publish runs the ledger publisher until ctx ends, restarting it after
// errors it cannot ride out (other than a log that is behind the database,
// which needs a person and is logged as such).
func (a *App) publish(ctx context.Context) {
	if a.Log == nil {
		return
	}
	release, err := a.DB.Lock(ctx, publishLock)
	if err != nil {
		if ctx.Err() == nil {
			a.log.Error("ledger publisher: cannot take the publisher lock", "err", err)
		}
		return
	}
	defer release()
	p := ledger.NewPublisher(a.Ledger, a.Log, a.log)
	for ctx.Err() == nil {
		err := p.Run(ctx)
		if err == nil {
			return
		}
		a.log.Error("ledger publisher stopped; events wait in the outbox", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
		}
	}
}
