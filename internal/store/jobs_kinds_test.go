package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// A runner claims only the kinds it has handlers for: a job of another
// kind stays queued, unclaimed and unfailed, for the runner that has one.
func TestRunnerClaimsOnlyItsKinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enqueue(t, db, "run", "1", store.JobOptions{})
		enqueue(t, db, "chore", "", store.JobOptions{})
		chores := 0
		r := store.NewRunner(db, quiet, map[string]store.Handler{"chore": func(context.Context, store.Job) error { chores++; return nil }})
		for range 3 {
			if _, err := r.RunOne(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if chores != 1 {
			t.Fatalf("the chore ran %d times", chores)
		}
		var state string
		var attempts int
		if err := db.Read().QueryRowContext(t.Context(), `SELECT state, attempts FROM jobs WHERE kind = 'run'`).Scan(&state, &attempts); err != nil {
			t.Fatal(err)
		}
		if state != "queued" || attempts != 0 {
			t.Fatalf("the run job, which the runner has no handler for: %s after %d attempts", state, attempts)
		}
		if ran, err := store.NewRunner(db, quiet, nil).RunOne(t.Context()); ran || err != nil {
			t.Fatalf("a runner without handlers claimed a job: %v, %v", ran, err)
		}
	})
}

// Two replicas, each with one browser: its automation runs have a runner
// of one worker, beside the chores' runner. Two queued runs are taken one
// by each replica — neither claims a second to wait for its busy browser
// in memory — and a chore still runs while both browsers are busy.
func TestRunsWaitInTheDatabaseForAFreeBrowser(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			u := storetest.URL(t, d)
			var replicas []*store.DB
			for range 2 {
				db, err := store.Open(t.Context(), u, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				replicas = append(replicas, db)
			}
			enqueue(t, replicas[0], "run", "1", store.JobOptions{})
			enqueue(t, replicas[0], "run", "2", store.JobOptions{})

			ctx, cancel := context.WithCancel(t.Context())
			release := make(chan struct{})
			started := make(chan int, 4)
			choreRan := make(chan struct{}, 1)
			var wg sync.WaitGroup
			defer func() { cancel(); wg.Wait() }()
			for i, db := range replicas {
				runs := store.NewRunner(db, quiet, map[string]store.Handler{"run": func(ctx context.Context, _ store.Job) error {
					started <- i
					select {
					case <-release:
					case <-ctx.Done():
					}
					return nil
				}})
				chores := store.NewRunner(db, quiet, map[string]store.Handler{"chore": func(context.Context, store.Job) error {
					choreRan <- struct{}{}
					return nil
				}})
				wg.Go(func() { runs.Run(ctx, 1) })
				wg.Go(func() { chores.Run(ctx, 2) })
			}
			seen := map[int]bool{}
			for range 2 {
				select {
				case i := <-started:
					seen[i] = true
				case <-time.After(15 * time.Second):
					t.Fatalf("only %d of 2 runs started", len(seen))
				}
			}
			if len(seen) != 2 {
				t.Fatalf("both runs went to replica %v; the other's browser was free", seen)
			}
			enqueue(t, replicas[1], "chore", "", store.JobOptions{})
			select {
			case <-choreRan:
			case <-time.After(15 * time.Second):
				t.Fatal("the chore waited behind the runs")
			}
			close(release)
		})
	}
}
