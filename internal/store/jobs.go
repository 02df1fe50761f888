package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Job is one unit of background work.
type Job struct {
	ID       int64
	Kind     string
	Payload  []byte
	Attempts int // including the current one
}

// JobOptions say when and how often a job runs.
type JobOptions struct {
	RunAt       time.Time // zero: now
	MaxAttempts int       // zero: 5
	// UniqueKey, if set, makes Enqueue a no-op while a queued job with the
	// same key exists; periodic chores use it so that replicas starting
	// together schedule them once.
	UniqueKey string
}

// Enqueue adds a job inside tx, so the job exists exactly when the change
// that asked for it commits.
func Enqueue(ctx context.Context, tx *Tx, kind string, payload []byte, opt JobOptions) error {
	now := Now()
	runAt := now
	if !opt.RunAt.IsZero() {
		runAt = opt.RunAt.UnixMilli()
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	if payload == nil {
		payload = []byte{}
	}
	var unique any
	if opt.UniqueKey != "" {
		unique = opt.UniqueKey
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO jobs (kind, payload, unique_key, state, run_at, max_attempts, created_at, updated_at)
		VALUES ($1, $2, $3, 'queued', $4, $5, $6, $6)
		ON CONFLICT (unique_key) DO NOTHING`,
		kind, payload, unique, runAt, opt.MaxAttempts, now)
	if err != nil {
		return fmt.Errorf("enqueue %s job: %w", kind, err)
	}
	return nil
}

// A Handler runs a job. Returning an error retries the job later with
// backoff, until MaxAttempts; returning nil marks it done.
type Handler func(ctx context.Context, job Job) error

// Runner claims and runs jobs. Several runners — in one process or in
// several replicas — may share a database: a claim is a lease written in a
// transaction, taken with FOR UPDATE SKIP LOCKED on PostgreSQL and through
// the single writer on SQLite, so no two runners hold the same job.
//
// A runner claims only the kinds it has handlers for, so that one process
// may run several, each with its own number of workers — automation runs,
// one at a time per server's browser, beside the chores — and a job waits
// in the database, where any replica can take it, rather than in a
// process's memory behind a busy worker.
type Runner struct {
	db       *DB
	handlers map[string]Handler
	kinds    []any // the handlers' kinds, sorted: the claim's arguments
	name     string
	lease    time.Duration
	poll     time.Duration
	log      *slog.Logger

	wake chan struct{}
	// silent stops the heartbeats, as a process that died would: only
	// tests set it (StopHeartbeats).
	silent atomic.Bool
}

// NewRunner returns a runner for the given handlers, one per job kind.
func NewRunner(db *DB, log *slog.Logger, handlers map[string]Handler) *Runner {
	kinds := slices.Sorted(maps.Keys(handlers))
	return &Runner{
		db:       db,
		handlers: handlers,
		kinds:    anys(kinds),
		name:     "runner-" + rand.Text()[:8],
		lease:    time.Minute,
		poll:     time.Second,
		log:      log,
		wake:     make(chan struct{}, 1),
	}
}

// Wake makes the runner look for work now instead of at its next poll.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx is cancelled, with up to workers jobs
// at a time.
func (r *Runner) Run(ctx context.Context, workers int) {
	if workers <= 0 {
		workers = 1
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				ran, err := r.RunOne(ctx)
				if err != nil && ctx.Err() == nil {
					r.log.Error("job runner", "err", err)
				}
				if ran {
					continue
				}
				select {
				case <-ctx.Done():
				case <-r.wake:
				case <-time.After(r.poll):
				}
			}
		})
	}
	wg.Wait()
}

// RunOne claims one due job and runs it. It reports whether there was one.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	job, ok, err := r.claim(ctx)
	if err != nil || !ok {
		return false, err
	}
	h := r.handlers[job.Kind]
	var runErr error
	if h == nil {
		runErr = fmt.Errorf("no handler for job kind %q", job.Kind)
	} else {
		jobCtx, cancel := context.WithCancelCause(ctx)
		stop := r.heartbeat(jobCtx, job, cancel)
		runErr = safeRun(jobCtx, h, job)
		stop()
		cancel(nil)
	}
	return true, r.finish(context.WithoutCancel(ctx), job, runErr)
}

// errLeaseLost cancels a job whose lease another runner has taken.
var errLeaseLost = errors.New("job lease lost to another runner")

// heartbeat extends a running job's lease every third of the lease, so
// that a job running longer than one lease (a model's training) is not
// claimed by another runner while this one still works on it; a runner
// that dies stops beating and its job is claimed again once the last
// extension runs out. If the lease was lost anyway (this process stalled
// past it and another runner claimed the job), the job's context is
// cancelled with errLeaseLost: the other runner owns it now. stop waits
// for the heartbeat to end.
func (r *Runner) heartbeat(ctx context.Context, job Job, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		every := max(r.lease/3, time.Millisecond)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if r.silent.Load() {
				continue
			}
			held, err := r.extend(ctx, job)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Warn("job heartbeat", "kind", job.Kind, "id", job.ID, "err", err)
				}
				continue // the next beat tries again, within the lease
			}
			if !held {
				r.log.Warn("job lease lost", "kind", job.Kind, "id", job.ID)
				cancel(errLeaseLost)
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// extend moves a held job's lease a full lease ahead; it reports false
// when this runner no longer holds the job.
func (r *Runner) extend(ctx context.Context, job Job) (bool, error) {
	var n int64
	err := r.db.InTx(ctx, func(tx *Tx) error {
		now := Now()
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_until = $3, updated_at = $4 WHERE id = $1 AND locked_by = $2 AND state = 'queued' AND attempts = $5`,
			job.ID, r.name, now+r.lease.Milliseconds(), now, job.Attempts)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

func safeRun(ctx context.Context, h Handler, job Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return h(ctx, job)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (r *Runner) claim(ctx context.Context) (Job, bool, error) {
	var job Job
	if len(r.kinds) == 0 {
		return job, false, nil
	}
	now := Now()
	in := make([]string, len(r.kinds))
	for i := range r.kinds {
		in[i] = fmt.Sprintf("$%d", i+4)
	}
	pick := `SELECT id FROM jobs
		WHERE state = 'queued' AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) AND kind IN (` + strings.Join(in, ", ") + `)
		ORDER BY run_at, id LIMIT 1`
	if r.db.dialect == Postgres {
		pick += " FOR UPDATE SKIP LOCKED"
	}
	err := r.db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			UPDATE jobs SET locked_by = $2, locked_until = $3, attempts = attempts + 1, updated_at = $1
			WHERE id = (`+pick+`)
			RETURNING id, kind, payload, attempts`,
			append([]any{now, r.name, now + r.lease.Milliseconds()}, r.kinds...)...,
		).Scan(&job.ID, &job.Kind, &job.Payload, &job.Attempts)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("claim job: %w", err)
	}
	return job, true, nil
}

// finish records how a claim of job ended. Every update names the claim's
// attempt as well as the runner: the
// workers of one runner share its name, so a worker whose lease ran out
// and passed to a sibling must not finish the sibling's claim.
func (r *Runner) finish(ctx context.Context, job Job, runErr error) error {
	now := Now()
	return r.db.InTx(ctx, func(tx *Tx) error {
		if runErr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', locked_until = NULL, last_error = NULL, updated_at = $2, unique_key = NULL WHERE id = $1 AND locked_by = $3 AND attempts = $4`, job.ID, now, r.name, job.Attempts)
			return err
		}
		r.log.Warn("job failed", "kind", job.Kind, "id", job.ID, "attempt", job.Attempts, "err", runErr)
		var maxAttempts int
		if err := tx.QueryRowContext(ctx, `SELECT max_attempts FROM jobs WHERE id = $1`, job.ID).Scan(&maxAttempts); err != nil {
			return err
		}
		if job.Attempts >= maxAttempts {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', locked_until = NULL, last_error = $2, updated_at = $3, unique_key = NULL WHERE id = $1 AND locked_by = $4 AND attempts = $5`, job.ID, runErr.Error(), now, r.name, job.Attempts)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_until = NULL, last_error = $2, run_at = $3, updated_at = $4 WHERE id = $1 AND locked_by = $5 AND attempts = $6`,
			job.ID, runErr.Error(), now+backoff(job.Attempts).Milliseconds(), now, r.name, job.Attempts)
		return err
	})
}

// backoff grows exponentially from one second and is capped at an hour.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 12)
	return min(d, time.Hour)
}
