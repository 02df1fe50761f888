package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/allmende/allmende/internal/ledger"
)

// publishLock is the PostgreSQL advisory lock key held by the replica that
// publishes the ledger to the log: the log has exactly one writer.
const publishLock = 0x616c6d6c6f67 // "almlog"

// publish runs the ledger publisher while this replica holds the
// publisher lease, until ctx ends. Replicas without the lease wait for it:
// when the leader dies its PostgreSQL session ends, the lease is free, and
// one of them takes over within about store.LeaseCheck. A leader that
// loses its lease (its session ended while it lives on) stops publishing
// and waits again, so that at most one replica publishes at a time.
func (a *App) publish(ctx context.Context) {
	if a.Log == nil {
		return
	}
	// Already registered when Background runs a second time.
	_ = a.registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "allmende_log_publisher",
		Help: "1 while this replica holds the publisher lease and publishes the ledger to the transparency log.",
	}, func() float64 {
		if a.Publishing() {
			return 1
		}
		return 0
	}))
	for ctx.Err() == nil {
		held, release, err := a.DB.Lease(ctx, publishLock)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Error("ledger publisher: cannot take the publisher lease; trying again", "err", err)
				sleep(ctx, 5*time.Second)
			}
			continue
		}
		a.leading.Store(true)
		a.lead(held)
		a.leading.Store(false)
		lost := context.Cause(held) // before release ends held
		release()
		if ctx.Err() == nil && lost != nil {
			a.log.Warn("ledger publisher: lost the publisher lease; another replica may publish, this one waits to take over", "cause", lost)
		}
	}
}

// Publishing reports whether this replica holds the publisher lease: it
// alone appends to the log (the others serve it).
func (a *App) Publishing() bool { return a.leading.Load() }

// lead publishes until ctx (the lease) ends, restarting the publisher
// after errors it cannot ride out (other than a log that is behind the
// database, which needs a person and is logged as such).
func (a *App) lead(ctx context.Context) {
	tl := a.Log
	if tl.Shared() {
		// Only the leader opens an appender on the shared log.
		w, err := tl.Lead(ctx)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Error("ledger publisher: cannot open the shared log for appending; events wait in the outbox", "err", err)
				sleep(ctx, 30*time.Second)
			}
			return
		}
		defer func() {
			closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := w.Close(closeCtx); err != nil {
				a.log.Error("ledger publisher: closing the shared log's appender", "err", err)
			}
		}()
		tl = w
		a.log.Info("ledger publisher: this replica leads and appends to the shared log")
	}
	p := ledger.NewPublisher(a.Ledger, tl, a.log)
	for ctx.Err() == nil {
		err := p.Run(ctx)
		if err == nil {
			return
		}
		a.log.Error("ledger publisher stopped; events wait in the outbox", "err", err)
		sleep(ctx, 30*time.Second)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
