package action_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// composedEnv lists ada's learned "claims" (one step, passes on the claim
// it read) and bob's replayed "track" (seven steps, takes a parcel
// number), and carl's composition of the two.
func composedEnv(t *testing.T, db *store.DB) (*env, *fakeActor, action.Automation) {
	t.Helper()
	ctx := t.Context()
	e := newEnv(t, db)
	ada, bob := e.members["ada"], e.members["bob"]
	carl := e.addMember(t, "carl")
	e.fund(t, reward.Treasury, 10000)
	fake := &fakeActor{report: "1Z999AA1"}
	e.s.Actor = fake
	mine := uploadVerified(t, e, ada, testdata(t, "reject-claim-1.json"))
	if _, err := e.s.LearnAutomation(ctx, ada, action.Publication{Slug: "claims", Title: "Claims", Description: "Reads a claim.", PricePerRun: 50}, []string{mine.ID}); err != nil {
		t.Fatal(err)
	}
	e.listed(t, ada, "claims", nil)
	rec, err := e.s.Upload(ctx, bob, parcelFlow(t, human(51), true), "")
	if err != nil || rec.Status != action.Verified {
		t.Fatalf("upload %+v %v", rec, err)
	}
	if _, err := e.s.Publish(ctx, bob, rec.ID, action.Publication{Slug: "track", Title: "Track", Description: "Tracks a parcel.", PricePerRun: 70,
		Samples: map[string]string{"number": "1"}}); err != nil {
		t.Fatal(err)
	}
	e.listed(t, bob, "track", nil)

	c := action.Composition{Publication: action.Publication{Slug: "claim-then-track", Title: "Claim, then track", Description: "Reads a claim's parcel and tracks it.",
		PricePerRun: 1000, Samples: map[string]string{"postcode": "20095"}},
		Parts: []action.Part{{Automation: "claims", Output: "#parcel"}, {Automation: "track", Input: "number"}}}
	a, err := e.s.Compose(ctx, carl, c)
	if err != nil {
		t.Fatal(err)
	}
	// carl's test runs pay the parts' prices (50 + 70).
	e.fund(t, reward.MemberAccount(carl.PublicID), 1200)
	if !a.Composed || a.Listed || len(a.Parts) != 2 || len(a.Parameters) != 1 || a.Parameters[0].Name != "postcode" {
		t.Fatalf("composed: %+v", a)
	}
	return e, fake, e.listed(t, carl, a.Slug, nil)
}

// TestComposeRefusesWhatCannotChain: bad chains are refused naming the
// part and the field.
func TestComposeRefusesWhatCannotChain(t *testing.T) {
	e, _, _ := composedEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	pub := action.Publication{Slug: "bad", Title: "Bad", Description: "Bad.", PricePerRun: 1}
	for _, c := range []struct {
		name  string
		parts []action.Part
		field string
	}{
		{"one part", []action.Part{{Automation: "claims"}}, "parts"},
		{"an unlisted part", []action.Part{{Automation: "claims"}, {Automation: "nope"}}, "parts.1.automation"},
		{"a composed part", []action.Part{{Automation: "claims"}, {Automation: "claim-then-track"}}, "parts.1.automation"},
		{"output nobody takes", []action.Part{{Automation: "track", Output: "#x"}, {Automation: "claims"}}, "parts.0.output"},
		{"input with nothing passed on", []action.Part{{Automation: "claims"}, {Automation: "track", Input: "number"}}, "parts.1.input"},
		{"input into no parameter", []action.Part{{Automation: "claims", Output: "#x"}, {Automation: "track", Input: "colour"}}, "parts.1.input"},
		{"output from the last part", []action.Part{{Automation: "track"}, {Automation: "claims", Output: "#x"}}, "parts.1.output"},
		{"a control character in the selector", []action.Part{{Automation: "claims", Output: "#x\x00"}, {Automation: "track", Input: "number"}}, "parts.0.output"},
	} {
		_, err := e.s.Compose(ctx, e.members["carl"], action.Composition{Publication: pub, Parts: c.parts})
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.Invalid || p.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
}

// TestComposedRunsPayEveryAuthorOnce is the money property of composed
// runs, on both databases: over runs at random prices that succeed or fail
// at random parts, every ledger event sums to zero, no member goes
// negative, a successful run is exactly one reward.split paying the parts'
// authors by their steps (the composer nothing), a failed one is refunded
// in full and pays nobody, and executing a finished run again moves
// nothing.
func TestComposedRunsPayEveryAuthorOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e, fake, a := composedEnv(t, db)
		stella, carl := e.members["stella"], e.members["carl"]
		ada, bob := reward.MemberAccount("m-ada"), reward.MemberAccount("m-bob")
		e.fund(t, reward.MemberAccount(stella.PublicID), 10*points.MaxRunPrice)
		if a.Steps != 1+7 {
			t.Fatalf("steps %d, want 8", a.Steps)
		}
		if list, _, _ := e.s.Automations(ctx, store.Page{}); len(list) != 3 || list[0].Slug != a.Slug || len(list[0].Parts) != 2 || list[0].Steps != 8 {
			t.Fatalf("the marketplace shows the chain as %+v", list[0])
		}
		rng := rand.New(rand.NewPCG(17, 4))
		// At least the parts' 50 + 70.
		prices := []int64{120, 121, 127, 999, points.MaxRunPrice}
		for i := range 12 {
			price := prices[i%len(prices)]
			if i >= len(prices) {
				price = 120 + rng.Int64N(points.MaxRunPrice-120+1)
			}
			if err := e.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE automations SET price_per_run = $2 WHERE slug = $1`, a.Slug, price)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			failAt := rng.IntN(3) // 0: none, 1: the first part, 2: the second
			fake.fail, e.fake.fail = failAt == 1, failAt == 2
			fake.report = "1Z" + strings.Repeat("9", 1+i)
			splits := len(e.events(t, ledger.RewardSplit))
			before := map[string]int64{}
			for _, acct := range []string{ada, bob, reward.Treasury, reward.MemberAccount(stella.PublicID), reward.MemberAccount(carl.PublicID)} {
				before[acct] = e.balance(t, acct)
			}
			replays := len(e.fake.calls)
			run, err := e.s.StartRun(ctx, stella, a.Slug, map[string]string{"postcode": "20095"})
			if err != nil {
				t.Fatal(err)
			}
			execute(t, e, run.ID)
			execute(t, e, run.ID) // a job that runs twice
			got, _ := e.s.GetRun(ctx, stella, run.ID)
			after := func(acct string) int64 { return e.balance(t, acct) - before[acct] }
			if failAt != 0 {
				if got.Status != "failed" || !strings.Contains(got.Error, "part "+string(rune('0'+failAt))) {
					t.Fatalf("run %d failing at part %d: %+v", i, failAt, got)
				}
				if after(reward.MemberAccount(stella.PublicID)) != 0 || after(ada) != 0 || after(bob) != 0 || after(reward.Treasury) != 0 {
					t.Fatalf("run %d failed and moved money: stella %d, ada %d, bob %d", i, after(reward.MemberAccount(stella.PublicID)), after(ada), after(bob))
				}
				if failAt == 1 && len(e.fake.calls) != replays {
					t.Fatalf("run %d: the second part ran after the first failed", i)
				}
				if n := len(e.events(t, ledger.RewardSplit)); n != splits {
					t.Fatalf("run %d failed and split", i)
				}
				continue
			}
			if got.Status != "ok" || len(got.Steps) != 8 || got.Steps[0].Step != "1.1" || got.Steps[7].Step != "2.7" {
				t.Fatalf("run %d: %+v", i, got)
			}
			if v := e.fake.calls[len(e.fake.calls)-1].Steps[3].Value; v != fake.report {
				t.Fatalf("run %d: the second part was given %q, not the first part's output %q", i, v, fake.report)
			}
			if after(reward.MemberAccount(stella.PublicID)) != -price || after(reward.MemberAccount(carl.PublicID)) != 0 {
				t.Fatalf("run %d at %d: stella paid %d, carl got %d", i, price, -after(reward.MemberAccount(stella.PublicID)), after(reward.MemberAccount(carl.PublicID)))
			}
			// Each author at least what a direct run of the part pays
			// (ada's learned claims at 50: 40; bob's track at 70: 70 less
			// the treasury's 14), and the markup's authors' share split
			// 1 : 7 by steps.
			markup := price - 120
			share := markup - markup*2000/10000
			if after(ada)+after(bob) != 40+56+share || after(ada)+after(bob)+after(reward.Treasury) != price {
				t.Fatalf("run %d at %d: ada %d, bob %d, treasury %d", i, price, after(ada), after(bob), after(reward.Treasury))
			}
			if d := (after(bob) - 56) - 7*(after(ada)-40); after(ada) < 40 || after(bob) < 56 || d < -8 || d > 8 {
				t.Fatalf("run %d at %d: ada %d and bob %d are not 40 and 56 plus the markup 1:7", i, price, after(ada), after(bob))
			}
			want := splits
			if price > 0 {
				want++
			}
			if n := len(e.events(t, ledger.RewardSplit)); n != want {
				t.Fatalf("run %d at %d: %d new splits", i, price, n-splits)
			}
		}
		checkLedger(t, e)
	})
}

// TestComposedPriceFloor: a chain priced below what its parts cost is
// refused naming price_per_run and the minimum, along with every other
// bad field; a part whose price rose since stops the chain's runs (409
// naming the part) before anything is charged.
func TestComposedPriceFloor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e, _, a := composedEnv(t, db)
		carl, stella := e.members["carl"], e.members["stella"]
		parts := []action.Part{{Automation: "claims", Output: "#parcel"}, {Automation: "track", Input: "number"}}
		for _, price := range []int64{0, 119} {
			_, err := e.s.Compose(ctx, carl, action.Composition{Publication: action.Publication{Slug: "cheap", Title: "", Description: "Cheap.", PricePerRun: price}, Parts: parts})
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || !strings.Contains(p.Fields["price_per_run"], "1.20") || p.Fields["title"] == "" {
				t.Fatalf("a chain at %d: %v %+v, want price_per_run naming 1.20 and the title", price, err, p)
			}
		}
		if _, err := e.s.Compose(ctx, carl, action.Composition{Publication: action.Publication{Slug: "fair", Title: "Fair", Description: "Fair.", PricePerRun: 120}, Parts: parts}); err != nil {
			t.Fatalf("a chain at the parts' price: %v", err)
		}

		e.fund(t, reward.MemberAccount(stella.PublicID), 5000)
		if err := e.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE automations SET price_per_run = 1500 WHERE slug = 'track'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.StartRun(ctx, stella, a.Slug, map[string]string{"postcode": "20095"})
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.Conflict || p.Fields["parts.1.automation"] == "" || !strings.Contains(p.Message, "track") {
			t.Fatalf("a run under the parts' new price: %v, want a conflict naming track", err)
		}
		if b := e.balance(t, reward.MemberAccount(stella.PublicID)); b != 5000 {
			t.Fatalf("stella was charged: balance %d", b)
		}
	})
}

// TestComposedTestRunPaysTheParts: a chain's test run costs its composer
// the parts' prices, paid to their authors as a direct run of each would
// (refunded if it fails), and is refused with 402 when the balance does
// not cover it; a single automation's own test run stays free.
func TestComposedTestRunPaysTheParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e, fake, a := composedEnv(t, db)
		carl := e.members["carl"]
		ada, bob, carlAcct := reward.MemberAccount("m-ada"), reward.MemberAccount("m-bob"), reward.MemberAccount(carl.PublicID)
		// composedEnv's test run spent 120 of carl's 1200: 40 to ada
		// (claims' demonstrator), 56 to bob, 24 to the treasury.
		splits := e.events(t, ledger.RewardSplit)
		if last := splits[len(splits)-1]; e.balance(t, carlAcct) != 1080 || last[ada] != 40 || last[bob] != 56 || last[reward.Treasury] != 24 {
			t.Fatalf("the test run's split: %v, carl %d", last, e.balance(t, carlAcct))
		}
		e.fund(t, carlAcct, -1080+119) // carl keeps 1.19
		adaBefore := e.balance(t, ada)
		// Test runs are not counted in an automation's runs.
		if got, err := e.s.AutomationFor(ctx, carl, a.Slug); err != nil || got.Runs != 0 || got.Succeeded != 0 {
			t.Fatalf("after only a test run the chain counts %d runs (%d succeeded), %v", got.Runs, got.Succeeded, err)
		}
		_, err := e.s.TestRun(ctx, carl, a.Slug)
		if p, ok := problem.As(err); !ok || p.Kind != problem.PaymentRequired || !strings.Contains(p.Message, "1.20") {
			t.Fatalf("a test run carl cannot pay: %v", err)
		}
		e.fund(t, carlAcct, 1)
		fake.fail = true
		run, err := e.s.TestRun(ctx, carl, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, run.ID)
		if got, _ := e.s.GetRun(ctx, carl, run.ID); got.Status != "failed" || e.balance(t, carlAcct) != 120 || e.balance(t, ada) != adaBefore {
			t.Fatalf("a failed test run: %+v, carl %d", got, e.balance(t, carlAcct))
		}
		// bob's own test run of track stays free.
		bobRun, err := e.s.TestRun(ctx, e.members["bob"], "track")
		if err != nil || bobRun.Price != 0 {
			t.Fatalf("bob's test run: %+v %v", bobRun, err)
		}
		checkLedger(t, e)
	})
}

// FuzzReportJS: whatever selector a composer gives, the report expression
// holds it as one JavaScript string literal (JSON's), never as code.
func FuzzReportJS(f *testing.F) {
	for _, s := range []string{"#parcel", `"); alert(1); ("`, "</script>", "a\u2028b", `\`, "`${x}`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sel string) {
		js := action.ReportJS(sel)
		start := strings.Index(js, "document.querySelector(") + len("document.querySelector(")
		end := strings.Index(js, "); if (!e)")
		if start < len("document.querySelector(") || end < start {
			t.Fatalf("no literal in %s", js)
		}
		var got string
		if err := json.Unmarshal([]byte(js[start:end]), &got); err != nil {
			t.Fatalf("%q became %s: %v", sel, js[start:end], err)
		}
		if want := string([]rune(sel)); got != want {
			t.Fatalf("%q came back as %q", sel, got)
		}
	})
}

// FuzzRatingInput: whatever a runner sends, a review's checks accept only
// a run named, a rating of 1 to 5 and text of at most MaxReviewLen
// characters, and refuse with an Invalid problem naming the field.
func FuzzRatingInput(f *testing.F) {
	for _, s := range []string{"", "x-abc", "Worked.", "\x00", "\xff", strings.Repeat("é", action.MaxReviewLen+1)} {
		f.Add(s, s, 3)
		f.Add(s, s, 0)
	}
	f.Fuzz(func(t *testing.T, run, body string, rating int) {
		in, err := action.ValidateRating(action.RatingInput{Run: run, Rating: rating, Body: body})
		if err != nil {
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		if in.Run == "" || in.Rating < 1 || in.Rating > 5 || len([]rune(in.Body)) > action.MaxReviewLen || problem.TextProblem(in.Body) != "" {
			t.Fatalf("accepted %+v", in)
		}
	})
}

// FuzzPartOutput: whatever a page or a runner returns for a part's report,
// what is passed on is reportJS's text, trimmed, not blank and free of
// control characters — or the part fails with an error naming the
// selector.
func FuzzPartOutput(f *testing.F) {
	for _, s := range []string{`{"text":" 1Z999AA1 "}`, `null`, ``, `"report failed: timeout"`, `{"text":""}`, `{"text":"a\u0000b"}`, `{"text":null}`, `42`, `{`, `[]`, `{"text":"https://x.example/?a=b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, report []byte) {
		text, err := action.PartOutput(report, "#parcel")
		if err != nil {
			if text != "" || !strings.Contains(err.Error(), "#parcel") {
				t.Fatalf("%q: %q, %v", report, text, err)
			}
			return
		}
		var want struct{ Text string }
		if json.Unmarshal(report, &want) != nil || text != strings.TrimSpace(want.Text) || text == "" {
			t.Fatalf("%q passed on %q", report, text)
		}
		for _, r := range text {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
				t.Fatalf("%q passed on a control character: %q", report, text)
			}
		}
	})
}
