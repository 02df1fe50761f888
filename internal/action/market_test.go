package action_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// listed gives an automation its samples (if any), runs its test run in
// the (fake) sandbox and lists it, as its author would before others may
// run it.
func (e *env) listed(t *testing.T, author member.Member, slug string, samples map[string]string) action.Automation {
	t.Helper()
	ctx := t.Context()
	if samples != nil {
		if _, err := e.s.SetSamples(ctx, author, slug, samples); err != nil {
			t.Fatalf("samples of %s: %v", slug, err)
		}
	}
	run, err := e.s.TestRun(ctx, author, slug)
	if err != nil {
		t.Fatalf("test run of %s: %v", slug, err)
	}
	execute(t, e, run.ID)
	if got, _ := e.s.GetRun(ctx, author, run.ID); got.Status != "ok" || !got.Test {
		t.Fatalf("test run of %s: %+v", slug, got)
	}
	a, err := e.s.List(ctx, author, slug)
	if err != nil || !a.Listed {
		t.Fatalf("list %s: %+v %v", slug, a, err)
	}
	return a
}

// TestListingNeedsATestRun: an automation is published unlisted; only its
// author sees and test-runs it; listing is refused, saying why, until a
// test run of its current version succeeded; new samples make a new
// version that must be tested again. Figures count real runs only.
func TestListingNeedsATestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		ada, bob := e.members["ada"], e.members["bob"]
		e.fund(t, reward.Treasury, 1000)
		rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(41), true), "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload %+v %v", rec, err)
		}
		pub := action.Publication{Slug: "track", Title: "Track", Description: "Tracks a parcel.", PricePerRun: 100}
		a, err := e.s.Publish(ctx, ada, rec.ID, pub)
		if err != nil || a.Listed || a.Version != 1 || a.TestedVersion != 0 {
			t.Fatalf("publish: %+v %v", a, err)
		}
		if list, _, _ := e.s.Automations(ctx, store.Page{}); len(list) != 0 {
			t.Fatalf("an untested automation is listed: %+v", list)
		}
		if _, err := e.s.Automation(ctx, "track"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("the public sees an unlisted automation: %v", err)
		}
		if _, err := e.s.StartRun(ctx, bob, "track", map[string]string{"number": "1"}); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob runs an unlisted automation: %v", err)
		}
		if _, err := e.s.TestRun(ctx, bob, "track"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob test-runs ada's automation: %v", err)
		}
		if _, err := e.s.StartRun(ctx, ada, "track", map[string]string{"number": "1"}); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a paid run of an unlisted automation: %v", err)
		}
		// No samples for a required parameter: named.
		var p *problem.Error
		if _, err := e.s.TestRun(ctx, ada, "track"); !errors.As(err, &p) || p.Fields["samples.number"] == "" {
			t.Fatalf("a test run without samples: %v", err)
		}
		if _, err := e.s.List(ctx, ada, "track"); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "has had none") {
			t.Fatalf("listing before any test run: %v", err)
		}
		if _, err := e.s.SetSamples(ctx, ada, "track", map[string]string{"nope": "1"}); !problem.Is(err, problem.Invalid) {
			t.Fatalf("samples for a parameter it does not have: %v", err)
		}
		a, err = e.s.SetSamples(ctx, ada, "track", map[string]string{"number": "1Z999AA1"})
		if err != nil || a.Version != 2 {
			t.Fatalf("samples: %+v %v", a, err)
		}
		// A failing test run: listing says how it failed.
		e.fake.fail = true
		run, err := e.s.TestRun(ctx, ada, "track")
		if err != nil || !run.Test || run.Price != 0 {
			t.Fatalf("test run: %+v %v", run, err)
		}
		if _, err := e.s.List(ctx, ada, "track"); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "queued") {
			t.Fatalf("listing while the test run waits: %v", err)
		}
		execute(t, e, run.ID)
		if _, err := e.s.List(ctx, ada, "track"); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "failed") || !strings.Contains(err.Error(), "#status") {
			t.Fatalf("listing after a failed test run: %v", err)
		}
		e.fake.fail = false
		if got := e.fake.calls[len(e.fake.calls)-1]; got.Steps[3].Value != "1Z999AA1" {
			t.Fatalf("the test run did not use the samples: %q", got.Steps[3].Value)
		}
		a = e.listed(t, ada, "track", nil)
		if a.TestedVersion != 2 {
			t.Fatalf("tested version %d", a.TestedVersion)
		}
		if _, err := e.s.List(ctx, bob, "track"); !problem.Is(err, problem.NotFound) && !problem.Is(err, problem.Forbidden) {
			t.Fatalf("bob lists ada's automation: %v", err)
		}
		// Real runs make the figures; test runs do not.
		e.fund(t, reward.MemberAccount(bob.PublicID), 1000)
		for i, fail := range []bool{false, false, true} {
			e.fake.fail = fail
			e.fake.delay = time.Duration(i*40) * time.Millisecond
			run, err := e.s.StartRun(ctx, bob, "track", map[string]string{"number": "X"})
			if err != nil {
				t.Fatal(err)
			}
			execute(t, e, run.ID)
		}
		e.fake.fail, e.fake.delay = false, 0
		a, _ = e.s.Automation(ctx, "track")
		if a.Figures.Runs != 3 || a.Figures.SuccessRate != 66 || a.Figures.MedianMillis < 15 || a.Figures.MedianMillis > 5000 {
			t.Fatalf("figures %+v", a.Figures)
		}
		// New samples: a new version, out of the marketplace until tested.
		if a, err = e.s.SetSamples(ctx, ada, "track", map[string]string{"number": "2"}); err != nil || a.Listed || a.Version != 3 {
			t.Fatalf("new samples: %+v %v", a, err)
		}
		if _, err := e.s.List(ctx, ada, "track"); !problem.Is(err, problem.Conflict) {
			t.Fatalf("listing an untested version: %v", err)
		}
		// An old version's successful test run does not vouch for the new one.
		if err := e.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE automation_runs SET status = 'queued' WHERE test = 1 AND version = 2 AND status = 'ok'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var old string
		db.Read().QueryRowContext(ctx, `SELECT public_id FROM automation_runs WHERE test = 1 AND version = 2 AND status = 'queued'`).Scan(&old)
		execute(t, e, old)
		if a, _ = e.s.AutomationFor(ctx, ada, "track"); a.TestedVersion != 2 {
			t.Fatalf("an old version's test run vouched for version %d", a.TestedVersion)
		}
		e.listed(t, ada, "track", nil)
		checkLedger(t, e)
	})
}

// TestReviewsAreVerifiedPurchases: a review names a finished run of the
// reviewer's own, once; no test runs, no runs of others, no reviews of
// one's own automation; the author answers; erasure takes the text.
func TestReviewsAreVerifiedPurchases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		ada, bob, stella := e.members["ada"], e.members["bob"], e.members["stella"]
		e.fund(t, reward.Treasury, 1000)
		rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(42), true), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Publish(ctx, ada, rec.ID, action.Publication{Slug: "track", Title: "Track", Description: "Tracks.", PricePerRun: 10,
			Samples: map[string]string{"number": "1"}}); err != nil {
			t.Fatal(err)
		}
		e.listed(t, ada, "track", nil)
		e.fund(t, reward.MemberAccount(bob.PublicID), 100)
		run, err := e.s.StartRun(ctx, bob, "track", map[string]string{"number": "2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Rate(ctx, bob, action.RatingInput{Run: run.ID, Rating: 5}); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a review of a queued run: %v", err)
		}
		execute(t, e, run.ID)
		var testRun string
		db.Read().QueryRowContext(ctx, `SELECT public_id FROM automation_runs WHERE test = 1`).Scan(&testRun)
		marker := "REVIEWMARKERQUOKKA"
		for _, c := range []struct {
			name string
			who  member.Member
			in   action.RatingInput
			kind problem.Kind
		}{
			{"no run", bob, action.RatingInput{Rating: 4}, problem.Invalid},
			{"a run that does not exist", bob, action.RatingInput{Run: "x-nope", Rating: 4}, problem.NotFound},
			{"someone else's run", stella, action.RatingInput{Run: run.ID, Rating: 4}, problem.NotFound},
			{"rating 0", bob, action.RatingInput{Run: run.ID, Rating: 0}, problem.Invalid},
			{"rating 6", bob, action.RatingInput{Run: run.ID, Rating: 6}, problem.Invalid},
			{"a test run", ada, action.RatingInput{Run: testRun, Rating: 5}, problem.Conflict},
		} {
			if _, err := e.s.Rate(ctx, c.who, c.in); !problem.Is(err, c.kind) {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}
		r, err := e.s.Rate(ctx, bob, action.RatingInput{Run: run.ID, Rating: 4, Body: "Worked first time. " + marker})
		if err != nil || r.Rating != 4 || r.Automation != "track" {
			t.Fatalf("review: %+v %v", r, err)
		}
		if _, err := e.s.Rate(ctx, bob, action.RatingInput{Run: run.ID, Rating: 1}); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a second review of the same run: %v", err)
		}
		if _, err := e.s.Answer(ctx, bob, "track", r.ID, "me too"); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("the reviewer answered as the author: %v", err)
		}
		if _, err := e.s.Answer(ctx, ada, "other", r.ID, "Thanks"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("an answer under another automation: %v", err)
		}
		if _, err := e.s.Answer(ctx, ada, "track", r.ID, "  "); !problem.Is(err, problem.Invalid) {
			t.Fatalf("an empty answer: %v", err)
		}
		if r, err = e.s.Answer(ctx, ada, "track", r.ID, "Thank you!"); err != nil || r.Answer != "Thank you!" || r.AnsweredAt == nil {
			t.Fatalf("answer: %+v %v", r, err)
		}
		list, _, err := e.s.Ratings(ctx, member.Member{}, "track", store.Page{})
		if err != nil || len(list) != 1 || list[0].Answer != "Thank you!" || list[0].Run != run.ID {
			t.Fatalf("reviews: %+v %v", list, err)
		}
		if a, _ := e.s.Automation(ctx, "track"); a.Figures.Reviews != 1 || a.Figures.RatingTenths != 40 {
			t.Fatalf("figures %+v", a.Figures)
		}
		if _, err := e.s.EraseAll(ctx, bob); err != nil {
			t.Fatal(err)
		}
		var n int
		db.Read().QueryRowContext(ctx, `SELECT count(*) FROM automation_reviews WHERE body LIKE $1`, "%"+marker+"%").Scan(&n)
		if n != 0 {
			t.Fatal("the review's text survived its author's erasure")
		}
		if list, _, _ := e.s.Ratings(ctx, member.Member{}, "track", store.Page{}); len(list) != 0 {
			t.Fatalf("reviews after erasure: %+v", list)
		}
	})
}
