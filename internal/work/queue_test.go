package work_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestWaiting: the stewards' queue holds the draft projects, the held
// rejections and the appeals, oldest first, each with its count; a
// decision takes it off; nobody but a steward reads it.
func TestWaiting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		// A rejection by the requester within the share it may reject
		// stands (and can be appealed); beyond it, it is held.
		lenient := e.project(t, work.Project{Slug: "lenient", MaxRejectShare: 1, PayPerTask: 20, ReviewHours: 72}, 2, nil, nil)
		strict := e.project(t, work.Project{Slug: "strict", MaxRejectShare: 0.1, PayPerTask: 20, ReviewHours: 72}, 2, nil, nil)
		boxProject(t, e, "draft-1")
		boxProject(t, e, "draft-2")
		appealed := e.work(t, "ada", lenient.Slug, 20*time.Second, "positive")
		held := e.work(t, "bob", strict.Slug, 20*time.Second, "negative")
		if out, err := e.s.Reject(ctx, e.as("rita"), appealed.ID, work.RejectInstructions, "The review is plainly negative, not positive."); err != nil || out != "rejected" {
			t.Fatalf("reject: %s %v", out, err)
		}
		if err := e.s.Appeal(ctx, e.as("ada"), appealed.ID, "It praises the shop in its last sentence."); err != nil {
			t.Fatal(err)
		}
		if out, err := e.s.Reject(ctx, e.as("rita"), held.ID, work.RejectInstructions, "This answer ignores the instructions."); err != nil || out != "review" {
			t.Fatalf("reject beyond the share: %s %v", out, err)
		}

		w, err := e.s.Waiting(ctx, e.as("stella"), 1)
		if err != nil {
			t.Fatal(err)
		}
		if w.DraftCount != 2 || len(w.Drafts) != 1 || w.Drafts[0].Slug != "draft-1" || w.HeldCount != 1 || w.Held[0].AssignmentID != held.ID ||
			w.AppealCount != 1 || w.Appeals[0].AssignmentID != appealed.ID || w.Appeals[0].Worker != "m-ada" {
			t.Fatalf("waiting %+v", w)
		}
		for _, who := range []string{"rita", "ada"} {
			if _, err := e.s.Waiting(ctx, e.as(who), 5); !problem.Is(err, problem.Forbidden) {
				t.Errorf("%s reads the stewards' queue: %v", who, err)
			}
		}
		if err := e.s.Approve(ctx, e.as("stella"), "draft-1"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decide(ctx, e.as("stella"), held.ID, false, "The answer is right."); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decide(ctx, e.as("stella"), appealed.ID, true, "The review is negative."); err != nil {
			t.Fatal(err)
		}
		w, err = e.s.Waiting(ctx, e.as("stella"), 5)
		if err != nil || w.DraftCount != 1 || w.Drafts[0].Slug != "draft-2" || w.HeldCount != 0 || w.AppealCount != 0 || len(w.Held)+len(w.Appeals) != 0 {
			t.Fatalf("after the decisions: %+v %v", w, err)
		}
	})
}
