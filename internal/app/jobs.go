package app

import (
	"context"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// Periodic chores and how often they run.
const (
	jobExpireSessions = "sessions.expire"
	jobPayDue         = "work.pay-due"
	jobEpochClose     = "reward.epoch-close"
	jobDecide         = "govern.decide"
	choreEvery        = time.Hour
	payEvery          = time.Minute
	decideEvery       = time.Minute
)

func (a *App) runJobs(ctx context.Context) {
	r := store.NewRunner(a.DB, a.log, map[string]store.Handler{
		jobExpireSessions: func(ctx context.Context, _ store.Job) error {
			n, err := a.Members.DeleteExpiredSessions(ctx)
			if n > 0 {
				a.log.Info("expired sessions removed", "count", n)
			}
			return err
		},
		// Work whose review window closed is paid within a minute.
		jobPayDue: func(ctx context.Context, _ store.Job) error {
			n, err := a.Work.PayDue(ctx)
			if n > 0 {
				a.log.Info("work paid", "tasks", n)
			}
			return err
		},
		// Points earned turn into governance shares when an epoch ends.
		jobEpochClose: func(ctx context.Context, _ store.Job) error {
			now := time.Now()
			due, err := a.Reward.EpochDue(ctx, now, a.epochLength())
			if err != nil || !due {
				return err
			}
			e, closed, err := a.Reward.CloseEpoch(ctx, a.Params, now)
			if closed {
				a.log.Info("epoch closed", "epoch", e.ID, "points", e.Points, "shares", e.Shares)
			}
			return err
		},
		// Proposals whose voting window ended are counted within a minute,
		// and binding ones applied.
		jobDecide: func(ctx context.Context, _ store.Job) error {
			n, err := a.Govern.Decide(ctx, time.Now())
			if n > 0 {
				a.log.Info("proposals decided", "count", n)
			}
			return err
		},
	})
	go a.schedule(ctx, jobExpireSessions, choreEvery)
	go a.schedule(ctx, jobPayDue, payEvery)
	go a.schedule(ctx, jobEpochClose, choreEvery)
	go a.schedule(ctx, jobDecide, decideEvery)
	r.Run(ctx, 2)
}

// schedule queues a chore now and then every interval. The unique key
// means replicas that all schedule it still queue it once.
func (a *App) schedule(ctx context.Context, kind string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		err := a.DB.InTx(ctx, func(tx *store.Tx) error {
			return store.Enqueue(ctx, tx, kind, nil, store.JobOptions{UniqueKey: kind})
		})
		if err != nil && ctx.Err() == nil {
			a.log.Error("schedule chore", "kind", kind, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// epochLength is how long an epoch lasts: Config.EpochLength, or 30 days.
func (a *App) epochLength() time.Duration {
	if a.cfg.EpochLength > 0 {
		return a.cfg.EpochLength
	}
	return 30 * 24 * time.Hour
}
