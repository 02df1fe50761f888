package action_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestLearningAgainMakesANewVersion: a learned automation's program is
// what its test run checked, so learning it again — a demonstration
// added, or one erased and the program learned from the rest — makes a
// new version, out of the marketplace until a test run of that version
// succeeds, as new samples do. A test run of the old version that ends
// afterwards vouches for nothing.
func TestLearningAgainMakesANewVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		ada, bob := e.members["ada"], e.members["bob"]
		carl := e.addMember(t, "carl")
		e.s.Actor = &fakeActor{}
		mine := uploadVerified(t, e, ada, testdata(t, "reject-claim-1.json"))
		bobs := uploadVerified(t, e, bob, testdata(t, "approve-claim-4.json"))
		a, err := e.s.LearnAutomation(ctx, ada, action.Publication{Slug: "claims", Title: "Decide a claim", Description: "Decides the claim the page names.", PricePerRun: 0}, []string{mine.ID})
		if err != nil {
			t.Fatal(err)
		}
		if a = e.listed(t, ada, a.Slug, nil); a.Version != 1 || a.TestedVersion != 1 {
			t.Fatalf("listed: version %d, tested %d", a.Version, a.TestedVersion)
		}
		stale, err := e.s.TestRun(ctx, ada, a.Slug) // of version 1, still queued
		if err != nil {
			t.Fatal(err)
		}

		gone := func(why string, version int) {
			t.Helper()
			if _, err := e.s.Automation(ctx, a.Slug); !problem.Is(err, problem.NotFound) {
				t.Fatalf("%s: the public still sees it: %v", why, err)
			}
			if list, _, _ := e.s.Automations(ctx, store.Page{}); len(list) != 0 {
				t.Fatalf("%s: still in the marketplace: %+v", why, list)
			}
			if _, err := e.s.StartRun(ctx, carl, a.Slug, nil); !problem.Is(err, problem.NotFound) {
				t.Fatalf("%s: carl runs it: %v", why, err)
			}
			_, err := e.s.List(ctx, ada, a.Slug)
			if !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "version "+string(rune('0'+version))) {
				t.Fatalf("%s: listed without a test run of version %d: %v", why, version, err)
			}
			got, err := e.s.AutomationFor(ctx, ada, a.Slug)
			if err != nil || got.Listed || got.Version != version || got.TestedVersion >= version || got.Status != "published" {
				t.Fatalf("%s: %+v %v, want version %d unlisted", why, got, err, version)
			}
		}

		// Bob offers his demonstration and ada adds it: the program is
		// learned again.
		if _, err := e.s.Offer(ctx, bob, bobs.ID); err != nil {
			t.Fatal(err)
		}
		if a, err = e.s.AddDemo(ctx, ada, a.Slug, bobs.ID); err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 || a.Listed {
			t.Fatalf("after a demonstration was added: %+v", a)
		}
		gone("a demonstration added", 2)
		execute(t, e, stale.ID)
		if got, _ := e.s.GetRun(ctx, ada, stale.ID); got.Status != "ok" || got.Version != 1 {
			t.Fatalf("the old test run: %+v", got)
		}
		gone("an old version's test run succeeded", 2)
		if a = e.listed(t, ada, a.Slug, nil); a.Version != 2 || a.TestedVersion != 2 {
			t.Fatalf("listed again: %+v", a)
		}

		// Ada erases her demonstration: learned again from bob's alone.
		if err := e.s.Erase(ctx, ada, mine.ID); err != nil {
			t.Fatal(err)
		}
		gone("learned again after an erasure", 3)
		if l, err := e.s.LearningFor(ctx, ada, a.Slug); err != nil || len(l.Demos) != 1 || l.Demos[0].Member != bob.PublicID {
			t.Fatalf("learned from bob's alone: %+v %v", l, err)
		}
		if a = e.listed(t, ada, a.Slug, nil); a.Version != 3 || a.TestedVersion != 3 {
			t.Fatalf("listed after the erasure: %+v", a)
		}
		if list, _, _ := e.s.Automations(ctx, store.Page{}); len(list) != 1 {
			t.Fatalf("the marketplace after its test run: %+v", list)
		}
	})
}
