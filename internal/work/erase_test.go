package work_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestEraseAppeals checks that "erase all my data" replaces the texts of
// the member's appeals — what they wrote in their own words — and leaves
// the reviewer's reasons and other members' appeals as they were.
func TestEraseAppeals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 1}, 4, nil, nil)
		mine := e.work(t, "ada", p.Slug, 40*time.Second, "positive")
		theirs := e.work(t, "bob", p.Slug, 40*time.Second, "positive")
		reason := "The instructions say to pick negative for reviews that mention a refund."
		appeal := "I wrote this from Quokkastrasse 7: the review asks for a replacement."
		for _, task := range []work.Task{mine, theirs} {
			if _, err := e.s.Reject(ctx, e.as("rita"), task.ID, "instructions", reason); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.s.Appeal(ctx, e.as("ada"), mine.ID, appeal); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Appeal(ctx, e.as("bob"), theirs.ID, appeal); err != nil {
			t.Fatal(err)
		}
		n, err := e.s.EraseAppeals(ctx, e.ids["ada"])
		if err != nil || n != 1 {
			t.Fatalf("EraseAppeals = %d, %v; want 1", n, err)
		}
		task, err := e.s.Task(ctx, e.ids["ada"], mine.ID)
		if err != nil || len(task.Reviews) != 2 || task.Reviews[0].Text != reason || task.Reviews[1].Text != work.ErasedAppeal {
			t.Fatalf("ada's task reviews: %+v %v", task.Reviews, err)
		}
		task, _ = e.s.Task(ctx, e.ids["bob"], theirs.ID)
		if len(task.Reviews) != 2 || task.Reviews[1].Text != appeal {
			t.Fatalf("bob's appeal changed: %+v", task.Reviews)
		}
		if n, err := e.s.EraseAppeals(ctx, e.ids["ada"]); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
	})
}
