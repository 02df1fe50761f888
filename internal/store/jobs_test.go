package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func enqueue(t *testing.T, db *store.DB, kind string, payload string, opt store.JobOptions) {
	t.Helper()
	if err := db.InTx(t.Context(), func(tx *store.Tx) error {
		return store.Enqueue(t.Context(), tx, kind, []byte(payload), opt)
	}); err != nil {
		t.Fatal(err)
	}
}

// Two runners on two connections to the same database stand for two
// replicas: every job must run exactly once.
func TestJobsRunExactlyOnceAcrossReplicas(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			u := storetest.URL(t, d)
			a, err := store.Open(t.Context(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := store.Open(t.Context(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()

			const n = 60
			for i := range n {
				enqueue(t, a, "count", fmt.Sprint(i), store.JobOptions{})
			}
			var mu sync.Mutex
			runs := map[string]int{}
			done := make(chan struct{})
			handler := func(ctx context.Context, job store.Job) error {
				mu.Lock()
				defer mu.Unlock()
				runs[string(job.Payload)]++
				if len(runs) == n {
					select {
					case <-done:
					default:
						close(done)
					}
				}
				return nil
			}
			ctx, cancel := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			for _, db := range []*store.DB{a, b} {
				r := store.NewRunner(db, quiet, map[string]store.Handler{"count": handler})
				wg.Go(func() { r.Run(ctx, 2) })
			}
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("jobs did not all run")
			}
			cancel()
			wg.Wait()
			for i := range n {
				if got := runs[fmt.Sprint(i)]; got != 1 {
					t.Errorf("job %d ran %d times, want once", i, got)
				}
			}
			var left int
			if err := a.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM jobs WHERE state <> 'done'`).Scan(&left); err != nil || left != 0 {
				t.Fatalf("jobs not done: %d (%v)", left, err)
			}
		})
	}
}

func TestJobRetriesThenFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enqueue(t, db, "flaky", "", store.JobOptions{MaxAttempts: 2})
		calls := 0
		r := store.NewRunner(db, quiet, map[string]store.Handler{"flaky": func(ctx context.Context, job store.Job) error {
			calls++
			if job.Attempts != calls {
				t.Errorf("attempt %d reported as %d", calls, job.Attempts)
			}
			return errors.New("upstream down")
		}})
		if ran, err := r.RunOne(t.Context()); !ran || err != nil {
			t.Fatalf("first run: ran=%v err=%v", ran, err)
		}
		// The retry waits for its backoff, so nothing is due right now.
		if ran, err := r.RunOne(t.Context()); ran || err != nil {
			t.Fatalf("retry ran before its backoff: ran=%v err=%v", ran, err)
		}
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE jobs SET run_at = 0`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if ran, _ := r.RunOne(t.Context()); !ran {
			t.Fatal("second attempt did not run")
		}
		var state, lastErr string
		if err := db.Read().QueryRowContext(t.Context(), `SELECT state, last_error FROM jobs`).Scan(&state, &lastErr); err != nil {
			t.Fatal(err)
		}
		if state != "failed" || lastErr != "upstream down" || calls != 2 {
			t.Fatalf("after max attempts: state=%s last_error=%q calls=%d", state, lastErr, calls)
		}
	})
}

func TestAbandonedJobIsClaimedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enqueue(t, db, "slow", "", store.JobOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		crashed := store.NewRunner(db, quiet, map[string]store.Handler{"slow": func(ctx context.Context, job store.Job) error {
			cancel() // the worker "dies" while holding the job
			<-ctx.Done()
			return ctx.Err()
		}})
		crashed.SetLease(50 * time.Millisecond)
		go crashed.RunOne(ctx)
		<-ctx.Done()

		ran := false
		rescuer := store.NewRunner(db, quiet, map[string]store.Handler{"slow": func(ctx context.Context, job store.Job) error {
			ran = true
			return nil
		}})
		deadline := time.Now().Add(10 * time.Second)
		for !ran && time.Now().Before(deadline) {
			if _, err := rescuer.RunOne(t.Context()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !ran {
			t.Fatal("abandoned job was never claimed again")
		}
	})
}

func TestUniqueJobIsQueuedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for range 3 {
			enqueue(t, db, "chore", "", store.JobOptions{UniqueKey: "chore"})
		}
		if n := count(t, db, "jobs"); n != 1 {
			t.Fatalf("queued %d copies of a unique job, want 1", n)
		}
		r := store.NewRunner(db, quiet, map[string]store.Handler{"chore": func(context.Context, store.Job) error { return nil }})
		if ran, err := r.RunOne(t.Context()); !ran || err != nil {
			t.Fatalf("run: %v %v", ran, err)
		}
		// Once done, the chore can be scheduled again.
		enqueue(t, db, "chore", "", store.JobOptions{UniqueKey: "chore"})
		if n := count(t, db, "jobs"); n != 2 {
			t.Fatalf("jobs after re-queue = %d, want 2", n)
		}
	})
}

// A job that runs for several leases (a model's training) is not claimed
// by another runner while its own still works on it: the heartbeat keeps
// extending the lease.
func TestLongJobIsNotClaimedTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const lease = 900 * time.Millisecond
		enqueue(t, db, "train", "", store.JobOptions{})
		started, release := make(chan struct{}), make(chan struct{})
		var mu sync.Mutex
		runs := 0
		handler := func(ctx context.Context, job store.Job) error {
			mu.Lock()
			runs++
			first := runs == 1
			mu.Unlock()
			if first {
				close(started)
				<-release
			}
			return nil
		}
		a := store.NewRunner(db, quiet, map[string]store.Handler{"train": handler})
		b := store.NewRunner(db, quiet, map[string]store.Handler{"train": handler})
		a.SetLease(lease)
		b.SetLease(lease)
		doneA := make(chan error, 1)
		go func() { _, err := a.RunOne(t.Context()); doneA <- err }()
		<-started
		var claimedUntil int64
		if err := db.Read().QueryRowContext(t.Context(), `SELECT locked_until FROM jobs`).Scan(&claimedUntil); err != nil {
			t.Fatal(err)
		}
		// Watch for four leases: without the heartbeat b claims the job
		// after the first.
		for watch := time.Now(); time.Since(watch) < 4*lease; time.Sleep(30 * time.Millisecond) {
			if ran, err := b.RunOne(t.Context()); err != nil || ran {
				t.Fatalf("a second runner claimed the running job: ran=%v err=%v", ran, err)
			}
		}
		var until int64
		if err := db.Read().QueryRowContext(t.Context(), `SELECT locked_until FROM jobs`).Scan(&until); err != nil {
			t.Fatal(err)
		}
		if until <= claimedUntil {
			t.Fatalf("lease not extended: locked until %d, claimed until %d", until, claimedUntil)
		}
		close(release)
		if err := <-doneA; err != nil {
			t.Fatal(err)
		}
		var state string
		if err := db.Read().QueryRowContext(t.Context(), `SELECT state FROM jobs`).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != "done" || runs != 1 {
			t.Fatalf("state %s after %d runs, want done after 1", state, runs)
		}
	})
}

// A runner whose heartbeat stopped (its process stalled or died) loses
// the job: another runner claims it once the last extension ran out, and
// the stalled runner's late finish does not overwrite the new owner's.
func TestJobWithoutHeartbeatIsClaimedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const lease = 300 * time.Millisecond
		enqueue(t, db, "train", "", store.JobOptions{})
		started, release := make(chan struct{}), make(chan struct{})
		stalled := store.NewRunner(db, quiet, map[string]store.Handler{"train": func(ctx context.Context, job store.Job) error {
			close(started)
			<-release
			return errors.New("stalled runner's late answer")
		}})
		stalled.SetLease(lease)
		stalled.StopHeartbeats()
		doneA := make(chan error, 1)
		go func() { _, err := stalled.RunOne(t.Context()); doneA <- err }()
		<-started

		ran := 0
		rescuer := store.NewRunner(db, quiet, map[string]store.Handler{"train": func(ctx context.Context, job store.Job) error {
			ran++
			return nil
		}})
		for deadline := time.Now().Add(20 * time.Second); ran == 0 && time.Now().Before(deadline); time.Sleep(30 * time.Millisecond) {
			if _, err := rescuer.RunOne(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if ran != 1 {
			t.Fatalf("the abandoned job ran %d times on the rescuer, want 1", ran)
		}
		close(release)
		if err := <-doneA; err != nil {
			t.Fatal(err)
		}
		var state string
		if err := db.Read().QueryRowContext(t.Context(), `SELECT state FROM jobs`).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != "done" {
			t.Fatalf("state %s: the stalled runner's finish overwrote the rescuer's", state)
		}
	})
}

// A runner that finds at its heartbeat that another runner holds the job
// cancels its handler, which learns why.
func TestLostLeaseCancelsTheJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var cause error
		// Another runner took the job (as if this one had stalled past
		// its lease).
		loseLease(t, db, `UPDATE jobs SET locked_by = 'runner-other', attempts = attempts + 1`, func(ctx context.Context) error {
			cause = context.Cause(ctx)
			return cause
		})
		if cause == nil || cause.Error() != "job lease lost to another runner" {
			t.Fatalf("handler cancelled with %v, want the lost lease", cause)
		}
		var by string
		if err := db.Read().QueryRowContext(t.Context(), `SELECT locked_by FROM jobs`).Scan(&by); err != nil || by != "runner-other" {
			t.Fatalf("locked_by = %q (%v): the loser's finish touched the winner's job", by, err)
		}
	})
}

// loseLease runs a queued job whose handler waits for its context to end,
// takes the job from it with takeover while it runs, and waits until the
// runner has finished with it; cancelled is what the handler returns.
func loseLease(t *testing.T, db *store.DB, takeover string, cancelled func(ctx context.Context) error) {
	t.Helper()
	enqueue(t, db, "train", "", store.JobOptions{})
	started := make(chan struct{})
	r := store.NewRunner(db, quiet, map[string]store.Handler{"train": func(ctx context.Context, job store.Job) error {
		close(started)
		<-ctx.Done()
		return cancelled(ctx)
	}})
	r.SetLease(150 * time.Millisecond)
	done := make(chan error, 1)
	go func() { _, err := r.RunOne(t.Context()); done <- err }()
	<-started
	if err := db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), takeover)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the handler was never cancelled after its lease was lost")
	}
}

// The workers of one runner share its name: a worker whose lease passed to
// a sibling must not finish the sibling's claim, even when its handler
// ignores the cancellation and reports success.
func TestStaleClaimOfTheSameRunnerDoesNotFinishTheJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// A sibling worker of the same runner claimed it again.
		loseLease(t, db, `UPDATE jobs SET attempts = attempts + 1`, func(context.Context) error {
			return nil // finished anyway, as a handler deaf to ctx would
		})
		var state string
		if err := db.Read().QueryRowContext(t.Context(), `SELECT state FROM jobs`).Scan(&state); err != nil || state != "queued" {
			t.Fatalf("state = %q (%v): the stale claim finished the sibling's job", state, err)
		}
	})
}
