package action_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/reward"
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
// recording alone; bob offers his recording of the same task on other data,
// ada adds it and the program is learned again from both, with both
// measured. Who may add what is decided here: only the publisher or a
// steward adds — bob may not add even his own recording to ada's listed
// automation, which would make it a new version out of the marketplace
// until her next test run — a recording nobody offered is not the
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
		e.s.Actor = &fakeActor{}
		a = e.listed(t, ada, a.Slug, nil)
		l, _ := e.s.Learning(ctx, a.Slug)
		if len(l.Demos) != 1 || l.Demos[0].Share != 1 || l.Program.Demos != 1 {
			t.Fatalf("learned from one demo: %+v\n%s", l.Demos, l.Description)
		}
		// Bob may not add his own verified recording to ada's automation:
		// refused naming who may, and ada's automation stays listed as
		// it was.
		_, err = e.s.AddDemo(ctx, bob, a.Slug, bobs.ID)
		if !problem.Is(err, problem.Forbidden) || !strings.Contains(err.Error(), "publisher of claims ("+ada.PublicID+") or a steward") || !strings.Contains(err.Error(), "offer your recording") {
			t.Fatalf("bob added his recording to ada's automation: %v", err)
		}
		if got, err := e.s.Automation(ctx, a.Slug); err != nil || !got.Listed || got.Version != a.Version {
			t.Fatalf("ada's automation after bob's attempt: %+v %v", got, err)
		}
		if a.TakesDemosFrom(bob) || a.TakesDemosFrom(carl) || !a.TakesDemosFrom(ada) || !a.TakesDemosFrom(e.members["stella"]) {
			t.Fatal("TakesDemosFrom: only the publisher and stewards")
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
			t.Fatalf("a member who is neither the publisher nor a steward added a recording: %v", err)
		}
		if _, err := e.s.AddDemo(ctx, bob, a.Slug, bobs.ID); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("bob added his offered recording himself: %v", err)
		}
		// Another task's demo, offered: refused, and the automation is as
		// it was.
		if _, err := e.s.Offer(ctx, carl, other.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.AddDemo(ctx, ada, a.Slug, other.ID)
		if !problem.Is(err, problem.Invalid) || !strings.Contains(err.Error(), other.ID) {
			t.Fatalf("adding a demo of another task: %v", err)
		}
		if l, _ := e.s.Learning(ctx, a.Slug); len(l.Demos) != 1 {
			t.Fatalf("a refused demo changed the automation: %+v", l.Demos)
		}
		// Ada adds bob's offered one.
		if _, err := e.s.AddDemo(ctx, ada, a.Slug, bobs.ID); err != nil {
			t.Fatal(err)
		}
		l, _ = e.s.LearningFor(ctx, ada, a.Slug)
		if len(l.Demos) != 2 || l.Demos[1].Member != bob.PublicID || l.Program.Demos != 2 {
			t.Fatalf("after adding bob's demo: %+v\n%s", l.Demos, l.Description)
		}
		if l.Demos[0].Weight != 0.5 || l.Demos[1].Weight != 0.5 {
			t.Fatalf("weights after learning again: %+v", l.Demos)
		}
		if _, err := e.s.AddDemo(ctx, ada, a.Slug, bobs.ID); !problem.Is(err, problem.Conflict) {
			t.Fatalf("the same demo added twice: %v", err)
		}
		// Erasing ada's demonstration (the first, the one the automation
		// was made from): learned again from bob's alone, published.
		if err := e.s.Erase(ctx, ada, mine.ID); err != nil {
			t.Fatal(err)
		}
		l, err = e.s.LearningFor(ctx, ada, a.Slug)
		if err != nil || len(l.Demos) != 1 || l.Demos[0].Member != bob.PublicID || l.Program.Demos != 1 {
			t.Fatalf("after erasing ada's demo: %+v %v\n%s", l.Demos, err, l.Description)
		}
		// Erasing the last one: withdrawn, and its program forgotten.
		if err := e.s.Erase(ctx, bob, bobs.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Automation(ctx, a.Slug); !problem.Is(err, problem.NotFound) {
			t.Fatalf("the automation after erasing its last demonstration: %v", err)
		}
		var prog string
		var demos int
		if err := db.Read().QueryRowContext(ctx, `SELECT program, (SELECT count(*) FROM automation_demos WHERE automation_id = a.id) FROM automations a WHERE slug = $1`, a.Slug).Scan(&prog, &demos); err != nil || prog != "" || demos != 0 {
			t.Fatalf("after erasing every demonstration: program %q, %d demos, %v", prog, demos, err)
		}
	})
}

// fakeActor stands in for Chromium: it answers as told.
type fakeActor struct {
	fail  bool
	calls []actor.Options
	// report is the text a run with a report expression (a part's
	// output, reportJS) finds.
	report string
}

func (f *fakeActor) Act(_ context.Context, prog program.Program, opts actor.Options) (actor.Result, error) {
	f.calls = append(f.calls, opts)
	res := actor.Result{OK: !f.fail}
	st := actor.StepResult{Step: "1", Action: prog.Steps[0].Action, Status: actor.StatusOK}
	if f.fail {
		st.Status, st.Error = actor.StatusFailed, "no element matches the query"
		res.Failed, res.Error = "1", "step 1: no element matches the query"
	}
	res.Steps = []actor.StepResult{st}
	if opts.Report != "" {
		res.Report, _ = json.Marshal(map[string]string{"text": f.report})
	}
	return res, nil
}

// TestLearnedRunsSettleOnBothDatabases: a learned automation's successful
// run is one reward.split paying each demonstrator by weight, integer-exact;
// a failed one is refunded and pays nobody; the runner's values and start
// page reach the actor.
func TestLearnedRunsSettleOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		ada, bob := e.members["ada"], e.members["bob"]
		carl := e.addMember(t, "carl")
		fake := &fakeActor{}
		e.s.Actor = fake
		mine := uploadVerified(t, e, ada, testdata(t, "reject-claim-1.json"))
		bobs := uploadVerified(t, e, bob, testdata(t, "approve-claim-4.json"))
		if _, err := e.s.Offer(ctx, bob, bobs.ID); err != nil {
			t.Fatal(err)
		}
		pub := action.Publication{Slug: "claims", Title: "Decide a claim", Description: "Approves or rejects the claim the page names.", PricePerRun: 999}
		a, err := e.s.LearnAutomation(ctx, ada, pub, []string{mine.ID, bobs.ID})
		if err != nil {
			t.Fatal(err)
		}
		a = e.listed(t, ada, a.Slug, nil)
		e.fund(t, reward.MemberAccount(carl.PublicID), 5000)
		start := strings.Replace(a.Start, "/table-row-action/", "/table-row-action/?seed=5", 1)
		run, err := e.s.StartRunAt(ctx, carl, a.Slug, nil, start)
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, run.ID)
		if got, _ := e.s.GetRun(ctx, carl, run.ID); got.Status != "ok" || !got.Learned || len(got.Steps) != 1 || got.Steps[0].Step != "1" {
			t.Fatalf("run: %+v", got)
		}
		if len(fake.calls) != 2 || fake.calls[1].URL != start {
			t.Fatalf("the actor was asked %+v", fake.calls)
		}
		splits := e.events(t, ledger.RewardSplit)
		if len(splits) != 1 {
			t.Fatalf("%d splits", len(splits))
		}
		// The authors' 80 % of 999 is 799 (rounded down), split ½ ½ between
		// the demonstrators (400 and 399, in some order); the treasury's
		// 20 % is 199 and the 1 point left by rounding is the treasury's too.
		s := splits[0]
		adaGot, bobGot, treasury := s[reward.MemberAccount(ada.PublicID)], s[reward.MemberAccount(bob.PublicID)], s[reward.Treasury]
		if adaGot+bobGot != 799 || treasury != 200 || min(adaGot, bobGot) != 399 {
			t.Fatalf("split %v", s)
		}
		checkLedger(t, e)

		fake.fail = true
		before := e.balance(t, reward.MemberAccount(carl.PublicID))
		run, err = e.s.StartRunAt(ctx, carl, a.Slug, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, run.ID)
		got, _ := e.s.GetRun(ctx, carl, run.ID)
		if got.Status != "failed" || got.FailedStep != 0 || !strings.Contains(got.Error, "no element") {
			t.Fatalf("failed run: %+v", got)
		}
		if after := e.balance(t, reward.MemberAccount(carl.PublicID)); after != before {
			t.Fatalf("a failed run cost %d", before-after)
		}
		if n := len(e.events(t, ledger.RewardSplit)); n != 1 {
			t.Fatalf("%d splits after a failed run", n)
		}
		checkLedger(t, e)
	})
}
