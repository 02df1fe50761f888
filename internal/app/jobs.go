package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
)

// Periodic chores and how often they run.
const (
	jobExpireSessions = "sessions.expire"
	jobPayDue         = "work.pay-due"
	jobEpochClose     = "reward.epoch-close"
	jobDecide         = "govern.decide"
	jobDigests        = "work.digests"
	choreEvery        = time.Hour
	payEvery          = time.Minute
	decideEvery       = time.Minute
	// Bounties whose deadline passed are closed, their rest refunded.
	jobBountiesClose = "bounty.close-due"
)

func (a *App) runJobs(ctx context.Context) {
	// Automation runs have a runner of their own with one worker: the
	// server has one browser, and a run this replica cannot start yet
	// stays queued in the database, for a replica whose browser is free,
	// instead of being claimed and marked running while it waits here.
	runs := store.NewRunner(a.DB, a.log, map[string]store.Handler{
		// An automation run replays in the server's browser.
		action.JobRun: func(ctx context.Context, job store.Job) error {
			id, err := strconv.ParseInt(string(job.Payload), 10, 64)
			if err != nil {
				return fmt.Errorf("run job: bad payload %q", job.Payload)
			}
			return a.Actions.Execute(ctx, id)
		},
	})
	// Trainings too, one at a time per replica: each may hold a core for
	// long, and the chores must not wait behind them.
	trainings := store.NewRunner(a.DB, a.log, map[string]store.Handler{
		// A model version is trained on the server's CPU; a retry after
		// a crash trains it again from the start.
		model.JobTrain: func(ctx context.Context, job store.Job) error {
			id, err := strconv.ParseInt(string(job.Payload), 10, 64)
			if err != nil {
				return fmt.Errorf("train job: bad payload %q", job.Payload)
			}
			return a.Models.TrainVersion(ctx, id, job.Attempts)
		},
	})
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
		// Members who asked for it get their news by e-mail once a day.
		jobDigests: func(ctx context.Context, _ store.Job) error {
			n, err := a.Work.SendDigests(ctx)
			if n > 0 {
				a.log.Info("news digests sent", "count", n)
			}
			return err
		},
		// Points earned turn into governance shares when an epoch ends.
		jobEpochClose: func(ctx context.Context, _ store.Job) error {
			e, closed, err := a.Reward.CloseDueEpoch(ctx, a.Params, time.Now(), a.epochLength())
			if closed {
				a.log.Info("epoch closed", "epoch", e.ID, "points", e.Points, "shares", e.Shares)
			}
			return err
		},
		// Recordings verified while the treasury was short are paid when
		// it can. Runs whose worker died mid-replay, and runs no replica
		// with a browser took, are ended and refunded.
		action.JobPayPending: func(ctx context.Context, _ store.Job) error {
			n, err := a.Actions.PayPending(ctx)
			if n > 0 {
				a.log.Info("recordings paid", "count", n)
			}
			stale, serr := a.Actions.FailStaleRuns(ctx)
			if stale > 0 {
				a.log.Warn("interrupted automation runs refunded", "count", stale)
			}
			unclaimed, uerr := a.Actions.FailUnclaimedRuns(ctx)
			if unclaimed > 0 {
				a.log.Warn("automation runs no browser took refunded", "count", unclaimed)
			}
			return errors.Join(err, serr, uerr)
		},
		// A published model version trained on records erased since is
		// retrained without them within the hour.
		model.JobRetrainErased: func(ctx context.Context, _ store.Job) error {
			n, err := a.Models.RetrainErased(ctx)
			if n > 0 {
				a.log.Info("model versions retrained after erasures", "count", n)
			}
			return err
		},
		// A bounty closes within a minute of its deadline, and what its
		// escrow holds goes back to its funder.
		jobBountiesClose: func(ctx context.Context, _ store.Job) error {
			n, err := a.Bounties.CloseDue(ctx)
			if n > 0 {
				a.log.Info("bounties closed at their deadline", "count", n)
			}
			return err
		},
		// Funding rounds whose deadline passed close within a minute:
		// funded if they met their goal, every pledge returned if not.
		model.JobCloseRounds: func(ctx context.Context, _ store.Job) error {
			n, err := a.Models.CloseDueRounds(ctx, time.Now())
			if n > 0 {
				a.log.Info("funding rounds closed", "count", n)
			}
			return err
		},
		// Proposals whose voting window ended are counted within a minute;
		// a binding one's change is queued, and changes whose timelock
		// ended are applied.
		jobDecide: func(ctx context.Context, _ store.Job) error {
			n, err := a.Govern.Decide(ctx, time.Now())
			if n > 0 {
				a.log.Info("proposals decided", "count", n)
			}
			return err
		},
	})
	a.Models.WakeOnTraining(trainings.Wake)
	go a.schedule(ctx, jobExpireSessions, choreEvery)
	go a.schedule(ctx, jobPayDue, payEvery)
	go a.schedule(ctx, jobEpochClose, choreEvery)
	go a.schedule(ctx, jobDecide, decideEvery)
	go a.schedule(ctx, jobBountiesClose, decideEvery)
	if a.cfg.SMTP.Addr != "" {
		go a.schedule(ctx, jobDigests, choreEvery)
	}
	go a.schedule(ctx, model.JobRetrainErased, choreEvery)
	go a.schedule(ctx, action.JobPayPending, payEvery)
	go a.schedule(ctx, model.JobCloseRounds, payEvery)
	// The chores' runner claims no automation run and no training:
	// however many of those wait, chores do not wait behind them.
	var wg sync.WaitGroup
	// A replica without a browser (--replay-browser none) claims no run:
	// it could only fail it. Runs wait for a replica that has one, and
	// fail, refunded, if none takes them (FailUnclaimedRuns).
	if a.browser != nil {
		wg.Go(func() { runs.Run(ctx, 1) })
	}
	wg.Go(func() { trainings.Run(ctx, 1) })
	r.Run(ctx, 2)
	wg.Wait()
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
