package action_test

import (
	"os"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestAddingADemonstrationLearnsAgain: ada learns an automation from her
// recording alone; bob adds his recording of the same task on other data
// and the program is learned again from both, with both measured. Who may
// add what is decided here: a recording nobody offered is not the
// publisher's to add, and a demo of another task changes nothing.
func TestAddingADemonstrationLearnsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		ada, bob := e.members["ada"], e.members["bob"]
		carl := e.addMember(t, "carl")
		mine := uploadVerified(t, e, ada, testdata(t, "reject-claim-1.json"))
		bobs := uploadVerified(t, e, bob, testdata(t, "approve-claim-4.json"))
		other := uploadVerified(t, e, carl, testdata(t, "collapsible-1.json"))

		pub := action.Publication{Slug: "claims", Title: "Decide a claim", Description: "Approves or rejects the claim the page names.", PricePerRun: 100}
		a, err := e.s.LearnAutomation(ctx, ada, pub, []string{mine.ID})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := e.s.Learning(ctx, a.Slug)
		if len(l.Demos) != 1 || l.Demos[0].Share != 1 || !strings.Contains(l.Description, `named "Reject"`) {
			t.Fatalf("learned from one demo: %+v\n%s", l.Demos, l.Description)
		}
		// The publisher may not add a recording its recorder kept to
		// themselves; a stranger may not add even an offered one.
		if _, err := e.s.AddDemo(ctx, ada, a.Slug, bobs.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("the publisher added a recording nobody offered: %v", err)
		}
		if _, err := e.s.Offer(ctx, bob, bobs.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddDemo(ctx, carl, a.Slug, bobs.ID); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member who is neither its recorder nor the publisher added a recording: %v", err)
		}
		// Another task's demo: refused, and the automation is as it was.
		_, err = e.s.AddDemo(ctx, carl, a.Slug, other.ID)
		if !problem.Is(err, problem.Invalid) || !strings.Contains(err.Error(), other.ID) {
			t.Fatalf("adding a demo of another task: %v", err)
		}
		if l, _ := e.s.Learning(ctx, a.Slug); len(l.Demos) != 1 {
			t.Fatalf("a refused demo changed the automation: %+v", l.Demos)
		}
		// Bob adds his own.
		if _, err := e.s.AddDemo(ctx, bob, a.Slug, bobs.ID); err != nil {
			t.Fatal(err)
		}
		l, _ = e.s.Learning(ctx, a.Slug)
		if len(l.Demos) != 2 || l.Demos[1].Member != bob.PublicID || l.Program.Demos != 2 || strings.Contains(l.Description, `named "Reject"`) {
			t.Fatalf("after adding bob's demo: %+v\n%s", l.Demos, l.Description)
		}
		if l.Demos[0].Weight != 0.5 || l.Demos[1].Weight != 0.5 {
			t.Fatalf("weights after learning again: %+v", l.Demos)
		}
		if _, err := e.s.AddDemo(ctx, bob, a.Slug, bobs.ID); !problem.Is(err, problem.Conflict) {
			t.Fatalf("the same demo added twice: %v", err)
		}
	})
}
