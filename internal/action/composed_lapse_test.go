package action_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestAChainLeavesWithItsPart: the moment a part of a listed chain leaves
// the marketplace (new samples unlist it, its author withdraws it), the
// chain leaves too — out of the listing, its page saying which part, a
// run refused with a 409 naming the part before anything is paid, no
// test run or listing of it — and it comes back only after its own new
// test run once the part is listed again. A run queued before the part
// left fails and is refunded in full.
func TestAChainLeavesWithItsPart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e, _, chain := composedEnv(t, db)
		bob, carl := e.members["bob"], e.members["carl"]
		dora := e.addMember(t, "dora") // no steward: she sees what the public sees
		e.fund(t, reward.MemberAccount(dora.PublicID), 5000)
		market := func() []string {
			t.Helper()
			list, _, err := e.s.Automations(ctx, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, a := range list {
				slugs = append(slugs, a.Slug)
			}
			return slugs
		}
		if got := market(); len(got) != 3 || got[0] != chain.Slug {
			t.Fatalf("the marketplace before: %q", got)
		}
		refusedNaming := func(what string, err error, part string, field string) {
			t.Helper()
			var p *problem.Error
			if !errors.As(err, &p) || p.Kind != problem.Conflict || !strings.Contains(p.Message, part+" is no longer listed") || p.Fields[field] == "" {
				t.Fatalf("%s: %v, want a conflict naming %s", what, err, part)
			}
		}

		// Bob gives his automation new samples: it is unlisted until its
		// test run passes, and the chain with it.
		if _, err := e.s.SetSamples(ctx, bob, "track", map[string]string{"number": "2"}); err != nil {
			t.Fatal(err)
		}
		if got := market(); len(got) != 1 || got[0] != "claims" {
			t.Fatalf("the marketplace with the chain's part unlisted: %q", got)
		}
		a, err := e.s.Automation(ctx, chain.Slug)
		if err != nil || a.Listed || a.Lapsed != "part 2 (track) is no longer listed" || !a.Parts[0].Listed || a.Parts[1].Listed {
			t.Fatalf("the chain's page: %+v %v", a, err)
		}
		// Its page may link the unlisted part only for those who may open
		// it: its author and stewards.
		if !a.Parts[0].Open || a.Parts[1].Open {
			t.Fatalf("the public may open parts %+v", a.Parts)
		}
		for _, who := range []string{"bob", "stella"} {
			if a, _ := e.s.AutomationFor(ctx, e.members[who], chain.Slug); !a.Parts[1].Open {
				t.Fatalf("%s may not open the unlisted part: %+v", who, a.Parts)
			}
		}
		if a, _ := e.s.AutomationFor(ctx, carl, chain.Slug); a.Parts[1].Open {
			t.Fatalf("the chain's composer may open bob's unlisted part: %+v", a.Parts)
		}
		before := e.balance(t, reward.MemberAccount(dora.PublicID))
		_, err = e.s.StartRun(ctx, dora, chain.Slug, map[string]string{"postcode": "20095"})
		refusedNaming("a run", err, "part 2 (track)", "parts.1.automation")
		if b := e.balance(t, reward.MemberAccount(dora.PublicID)); b != before {
			t.Fatalf("a refused run moved %d", before-b)
		}
		_, err = e.s.TestRun(ctx, carl, chain.Slug)
		refusedNaming("a test run", err, "part 2 (track)", "parts.1.automation")
		_, err = e.s.List(ctx, carl, chain.Slug)
		refusedNaming("listing it", err, "part 2 (track)", "parts.1.automation")

		// Bob's test run passes and he lists it again: the chain, tested
		// with the part as it was, is a new version that waits for its
		// own test run.
		e.listed(t, bob, "track", nil)
		a, err = e.s.AutomationFor(ctx, carl, chain.Slug)
		if err != nil || a.Listed || a.Lapsed != "" || a.Version != chain.Version+1 || a.TestedVersion != chain.Version {
			t.Fatalf("the chain once its part is back: %+v %v", a, err)
		}
		if got := market(); len(got) != 2 {
			t.Fatalf("the chain came back untested: %q", got)
		}
		if _, err := e.s.StartRun(ctx, dora, chain.Slug, map[string]string{"postcode": "20095"}); !problem.Is(err, problem.NotFound) {
			t.Fatalf("a run of the untested chain: %v", err)
		}
		if _, err := e.s.List(ctx, carl, chain.Slug); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "has had none") {
			t.Fatalf("listing the chain without its new test run: %v", err)
		}
		if a = e.listed(t, carl, chain.Slug, nil); !a.Listed || a.Lapsed != "" {
			t.Fatalf("the chain after its test run: %+v", a)
		}
		if got := market(); len(got) != 3 {
			t.Fatalf("the marketplace after the chain's test run: %q", got)
		}

		// A run queued, then its first part withdrawn before it ran:
		// failed, refunded, nobody paid; the chain is gone from the
		// marketplace, and stays so.
		before = e.balance(t, reward.MemberAccount(dora.PublicID))
		splits := len(e.events(t, ledger.RewardSplit))
		run, err := e.s.StartRun(ctx, dora, chain.Slug, map[string]string{"postcode": "20095"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Withdraw(ctx, e.members["ada"], "claims"); err != nil {
			t.Fatal(err)
		}
		execute(t, e, run.ID)
		got, _ := e.s.GetRun(ctx, dora, run.ID)
		if got.Status != "failed" || !strings.Contains(got.Error, "part 1 (claims) is no longer listed") {
			t.Fatalf("the queued run: %+v", got)
		}
		if b := e.balance(t, reward.MemberAccount(dora.PublicID)); b != before || len(e.events(t, ledger.RewardSplit)) != splits {
			t.Fatalf("the failed run: dora has %d of %d, %d new splits", b, before, len(e.events(t, ledger.RewardSplit))-splits)
		}
		if got := market(); len(got) != 1 || got[0] != "track" {
			t.Fatalf("the marketplace after a part was withdrawn: %q", got)
		}
		_, err = e.s.StartRun(ctx, dora, chain.Slug, map[string]string{"postcode": "20095"})
		refusedNaming("a run after the withdrawal", err, "part 1 (claims)", "parts.0.automation")
		checkLedger(t, e)
	})
}

// TestAChainOutlivesItsFirstPartsErasedDemo: erasing the recording a
// chain's first (learned) part was learned from withdraws and relearns
// that part; the chain lapses with it instead of being withdrawn for good,
// and comes back after the part is listed again and the chain's own test
// run.
func TestAChainOutlivesItsFirstPartsErasedDemo(t *testing.T) {
	e, _, chain := composedEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	ada, bob, carl := e.members["ada"], e.members["bob"], e.members["carl"]
	bobs := uploadVerified(t, e, bob, testdata(t, "approve-claim-4.json"))
	if _, err := e.s.Offer(ctx, bob, bobs.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.AddDemo(ctx, ada, "claims", bobs.ID); err != nil {
		t.Fatal(err)
	}
	e.listed(t, ada, "claims", nil)
	if _, err := e.s.AutomationFor(ctx, carl, chain.Slug); err != nil {
		t.Fatal(err)
	}
	l, err := e.s.Learning(ctx, "claims")
	if err != nil || len(l.Demos) != 2 {
		t.Fatalf("claims: %+v %v", l, err)
	}
	var first string
	if err := e.db.Read().QueryRowContext(ctx, `SELECT r.public_id FROM automations a JOIN recordings r ON r.id = a.recording_id WHERE a.slug = $1`, chain.Slug).Scan(&first); err != nil {
		t.Fatal(err)
	}
	owner := ada
	if first == bobs.ID {
		owner = bob
	}
	if err := e.s.Erase(ctx, owner, first); err != nil {
		t.Fatal(err)
	}
	a, err := e.s.AutomationFor(ctx, carl, chain.Slug)
	if err != nil || a.Status != "published" || a.Lapsed != "part 1 (claims) is no longer listed" {
		t.Fatalf("the chain after its first part's demo was erased: %+v %v", a, err)
	}
	e.listed(t, ada, "claims", nil)
	if a = e.listed(t, carl, chain.Slug, nil); !a.Listed {
		t.Fatalf("the chain did not come back: %+v", a)
	}
}
