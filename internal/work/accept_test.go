package work_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestAccept: the requester accepts a submission before its review window
// closes and it is paid at once, once; nobody else but a steward may, and
// what is not waiting for review cannot be accepted.
func TestAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := e.project(t, work.Project{Slug: "reviewed", MaxRejectShare: 1, PayPerTask: 20, ReviewHours: 72}, 3, nil, nil)
		first := e.work(t, "ada", p.Slug, 20*time.Second, "positive")
		second := e.work(t, "ada", p.Slug, 20*time.Second, "negative")
		third := e.work(t, "ada", p.Slug, 20*time.Second, "negative")
		for _, who := range []string{"ada", "bob"} {
			if err := e.s.Accept(ctx, e.as(who), first.ID); !problem.Is(err, problem.Forbidden) {
				t.Errorf("%s accepts the work: %v", who, err)
			}
		}
		if task, _ := e.s.Task(ctx, e.ids["ada"], first.ID); task.Status != "submitted" {
			t.Fatalf("after refused acceptances the task is %s", task.Status)
		}
		if err := e.s.Accept(ctx, e.as("rita"), first.ID); err != nil {
			t.Fatal(err)
		}
		task, err := e.s.Task(ctx, e.ids["ada"], first.ID)
		if err != nil || task.Status != "paid" {
			t.Fatalf("the accepted task is %s (%v), want paid", task.Status, err)
		}
		if err := e.s.Accept(ctx, e.as("rita"), first.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("accepting a paid task again: %v", err)
		}
		if _, err := e.s.Reject(ctx, e.as("rita"), second.ID, work.RejectInstructions, "The review is plainly positive, not negative."); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Accept(ctx, e.as("rita"), second.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("accepting a rejected task: %v", err)
		}
		if err := e.s.Accept(ctx, e.as("stella"), third.ID); err != nil {
			t.Errorf("a steward accepts: %v", err)
		}
		if b := e.balance(t, reward.MemberAccount("m-ada")); b != 40 {
			t.Errorf("ada's balance is %d, want 40: the two accepted tasks, each paid once", b)
		}
	})
}
