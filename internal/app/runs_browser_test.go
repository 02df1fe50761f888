package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/store"
)

// TestReplicaWithoutBrowserLeavesRuns: a server started with
// --replay-browser none claims no automation run — it could only fail it —
// and leaves it queued for a replica that has a browser, while its
// chores still run.
func TestReplicaWithoutBrowserLeavesRuns(t *testing.T) {
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir(), ReplayBrowser: "none"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := t.Context()
	if err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		return store.Enqueue(ctx, tx, action.JobRun, []byte("1"), store.JobOptions{})
	}); err != nil {
		t.Fatal(err)
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.Background(bg); close(done) }()
	// The chores are queued and run at start; once one is done, the
	// runners have polled at least once.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var chores int
		if err := a.DB.Read().QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE kind <> $1 AND state = 'done'`, action.JobRun).Scan(&chores); err != nil {
			t.Fatal(err)
		}
		if chores > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no chore ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	stop()
	<-done
	var state string
	var attempts int
	if err := a.DB.Read().QueryRowContext(ctx, `SELECT state, attempts FROM jobs WHERE kind = $1`, action.JobRun).Scan(&state, &attempts); err != nil {
		t.Fatal(err)
	}
	if state != "queued" || attempts != 0 {
		t.Fatalf("the run's job is %s after %d attempts; a replica without a browser must leave it", state, attempts)
	}
}
