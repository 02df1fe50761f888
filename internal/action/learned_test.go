package action_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/practice"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recorder"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// checkingActor is the server's browser with the practice instance's
// success check as the run's last condition, so that a run counts as
// succeeded only when the task is really done on the page.
type checkingActor struct {
	b     *action.Browser
	check string
}

func (c *checkingActor) Act(ctx context.Context, prog program.Program, opts actor.Options) (actor.Result, error) {
	opts.DoneWhen = c.check
	return c.b.Act(ctx, prog, opts)
}

// demo records scripted hands doing instance seed of kind through the
// recorder extension, as a member does with `allmende record`.
func demo(t *testing.T, base string, k practice.Kind, seed uint64) []byte {
	t.Helper()
	in := k.Generate(seed)
	raw, err := recorder.Record(t.Context(), recorder.Options{
		URL: practice.URL(base, k.Name, seed), Headless: true, KeepValues: true, Timeout: 60 * time.Second,
		Drive: func(ctx context.Context) error {
			h := practice.NewHand(ctx, seed)
			if err := in.Solve(ctx, h); err != nil {
				return err
			}
			return h.Wait(in.Check())
		},
	})
	if err != nil {
		t.Fatalf("recording %s seed %d: %v", k.Name, seed, err)
	}
	return raw
}

// uploadVerified uploads a member's recording; one a steward must look at
// is verified by the steward, as a person's work would be.
func uploadVerified(t *testing.T, e *env, m member.Member, raw []byte) action.Recording {
	t.Helper()
	r, err := e.s.Upload(t.Context(), m, raw, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == action.Review {
		if r, err = e.s.Decide(t.Context(), e.members["stella"], r.ID, true, "a person did it"); err != nil {
			t.Fatal(err)
		}
	}
	if r.Status != action.Verified {
		t.Fatalf("%s's recording is %s: %v", m.PublicID, r.Status, r.Reasons)
	}
	return r
}

// TestLearnedAutomationPaysItsDemonstrators is issue 13's "done when": two
// members record the same practice task on different data through the
// extension; the cooperative learns one automation from both; a third
// member runs it on a fresh instance with other data and another layout
// and it succeeds; both demonstrators are paid by measured contribution in
// one reward.split event. A run that fails is refunded, and demos of
// different tasks are refused naming the recording.
func TestLearnedAutomationPaysItsDemonstrators(t *testing.T) {
	ctx := t.Context()
	broken := "maintenance"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("state") == broken {
			fmt.Fprint(w, `<!doctype html><title>Down</title><p>Down for maintenance.</p>`)
			return
		}
		practice.Server{}.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	carl := e.addMember(t, "carl")
	ada, bob, stella := e.members["ada"], e.members["bob"], e.members["stella"]
	browser := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(browser.Close)
	checking := &checkingActor{b: browser}
	e.s.Actor = checking

	k, _ := practice.Lookup("table-row-action")
	r1 := uploadVerified(t, e, ada, demo(t, srv.URL, k, 1))
	r2 := uploadVerified(t, e, bob, demo(t, srv.URL, k, 4))
	other, _ := practice.Lookup("collapsible")
	r3 := uploadVerified(t, e, ada, demo(t, srv.URL, other, 1))

	pub := action.Publication{Slug: "reject-claim", Title: "Reject the expense claim the page names", Description: "Finds the claim of the person the page names in the table and rejects it.", PricePerRun: 1000}
	// Bob has not offered his recording: only its recorder's consent
	// lets anyone else learn from it.
	if _, err := e.s.LearnAutomation(ctx, stella, pub, []string{r1.ID, r2.ID}); !problem.Is(err, problem.NotFound) && !problem.Is(err, problem.Forbidden) {
		t.Fatalf("learning from recordings nobody offered: %v", err)
	}
	if _, err := e.s.Offer(ctx, ada, r2.ID); !problem.Is(err, problem.NotFound) && !problem.Is(err, problem.Forbidden) {
		t.Fatalf("ada offered bob's recording: %v", err)
	}
	for _, o := range []struct {
		m  member.Member
		id string
	}{{ada, r1.ID}, {bob, r2.ID}, {ada, r3.ID}} {
		if _, err := e.s.Offer(ctx, o.m, o.id); err != nil {
			t.Fatal(err)
		}
	}
	// Carl has no recording among them and is no steward.
	if _, err := e.s.LearnAutomation(ctx, carl, pub, []string{r1.ID, r2.ID}); !problem.Is(err, problem.Forbidden) {
		t.Fatalf("a member with no demonstration of their own learned an automation: %v", err)
	}
	// Demos of different tasks: refused, naming the recording.
	_, err := e.s.LearnAutomation(ctx, stella, pub, []string{r1.ID, r3.ID})
	if !problem.Is(err, problem.Invalid) || !strings.Contains(err.Error(), r3.ID) || !strings.Contains(err.Error(), "different tasks") {
		t.Fatalf("demos of different tasks: %v", err)
	}

	a, err := e.s.LearnAutomation(ctx, stella, pub, []string{r1.ID, r2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Learned || a.Steps == 0 {
		t.Fatalf("learned automation: %+v", a)
	}
	// Listed after its test run in the real sandbox, on the page the
	// first demonstration started on.
	a = e.listed(t, stella, a.Slug, nil)
	l, err := e.s.Learning(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if l.Program.Demos != 2 || !strings.Contains(l.Description, "learned from 2 demonstrations") || len(l.Demos) != 2 {
		t.Fatalf("learning: %+v", l)
	}
	if l.Demos[0].Member != ada.PublicID || l.Demos[1].Member != bob.PublicID {
		t.Fatalf("demonstrators: %+v", l.Demos)
	}
	for _, in := range l.Program.Inputs {
		if len(in.Examples) > 0 {
			t.Fatalf("the public program keeps the demos' values: %+v", in)
		}
	}
	// The weights stored are the measure of the two recordings.
	_, rec1, _ := e.s.Open(ctx, ada, r1.ID)
	_, rec2, _ := e.s.Open(ctx, bob, r2.ID)
	want, heldOut := action.DemoWeights([]recording.Recording{rec1, rec2})
	if heldOut <= 0 || l.Demos[0].Weight != want[0] || l.Demos[1].Weight != want[1] {
		t.Fatalf("weights %v, %v; measured %v (held-out success %v)", l.Demos[0].Weight, l.Demos[1].Weight, want, heldOut)
	}

	// Carl runs it on a fresh instance: other data, another layout.
	e.fund(t, reward.MemberAccount(carl.PublicID), 5000)
	fresh := uint64(77)
	in := k.Generate(fresh)
	checking.check = in.Check()
	run, err := e.s.StartRunAt(ctx, carl, a.Slug, nil, practice.URL(srv.URL, k.Name, fresh))
	if err != nil {
		t.Fatal(err)
	}
	execute(t, e, run.ID)
	got, err := e.s.GetRun(ctx, carl, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "ok" {
		t.Fatalf("the run on a fresh instance: %s: %s (%+v)", got.Status, got.Error, got.Steps)
	}
	// One reward.split event pays both demonstrators by their weights.
	share, err := coop.New(e.db).Get(ctx, e.db.Read(), coop.AuthorShare)
	if err != nil {
		t.Fatal(err)
	}
	_, postings, err := reward.Postings(reward.Payment{Payer: "x", Total: 1000, ContributorBP: share,
		Contributors: []string{reward.MemberAccount(ada.PublicID), reward.MemberAccount(bob.PublicID)}, Weights: action.PayWeights(want), TreasuryBP: points.BasisPoints - share, Rest: reward.Treasury})
	if err != nil {
		t.Fatal(err)
	}
	splits := e.events(t, ledger.RewardSplit)
	if len(splits) != 1 {
		t.Fatalf("%d reward.split events, want 1", len(splits))
	}
	for _, p := range postings {
		if p.Account == "x" {
			continue
		}
		if got := splits[0][p.Account]; got != p.Amount {
			t.Errorf("%s got %d in the split, want %d", p.Account, got, p.Amount)
		}
	}
	if splits[0][reward.MemberAccount(ada.PublicID)] <= 0 || splits[0][reward.MemberAccount(bob.PublicID)] <= 0 {
		t.Errorf("both demonstrators paid: %v", splits[0])
	}

	// A run whose page does not offer the task fails and is refunded.
	before := e.balance(t, reward.MemberAccount(carl.PublicID))
	checking.check = "false"
	run, err = e.s.StartRunAt(ctx, carl, a.Slug, nil, practice.URL(srv.URL, k.Name, 78)+"&state="+broken)
	if err != nil {
		t.Fatal(err)
	}
	execute(t, e, run.ID)
	got, _ = e.s.GetRun(ctx, carl, run.ID)
	if got.Status != "failed" || got.Error == "" {
		t.Fatalf("a run on a page without the form: %+v", got)
	}
	if after := e.balance(t, reward.MemberAccount(carl.PublicID)); after != before {
		t.Fatalf("a failed run cost %d", before-after)
	}
	if n := len(e.events(t, ledger.RewardSplit)); n != 1 {
		t.Fatalf("a failed run paid someone: %d splits", n)
	}
	// The start page must be the task's own.
	if _, err := e.s.StartRunAt(ctx, carl, a.Slug, nil, srv.URL+"/other/?seed=1"); !problem.Is(err, problem.Invalid) {
		t.Fatalf("a run started on another page: %v", err)
	}
	a, _ = e.s.Automation(ctx, a.Slug)
	if a.Runs != 2 || a.Succeeded != 1 || a.Figures.Runs != 2 || a.Figures.SuccessRate != 50 {
		t.Fatalf("success rate %d/%d, %+v; want 1/2 and 50%% of 2 real runs (the test run not counted)", a.Succeeded, a.Runs, a.Figures)
	}

	// Erasing a demonstration: the automation is learned again from the
	// one left, which alone is paid from then on — a new version, out of
	// the marketplace until its test run.
	if err := e.s.Erase(ctx, bob, r2.ID); err != nil {
		t.Fatal(err)
	}
	l, err = e.s.LearningFor(ctx, stella, a.Slug)
	if err != nil {
		t.Fatalf("the automation after erasing a demonstration: %v", err)
	}
	if len(l.Demos) != 1 || l.Demos[0].Member != ada.PublicID || l.Program.Demos != 1 {
		t.Fatalf("learned again from ada's alone: %+v", l)
	}
}

// addMember adds a member who is no steward.
func (e *env) addMember(t *testing.T, who string) member.Member {
	t.Helper()
	var id int64
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', $4, 0) RETURNING id`,
			"m-"+who, who+"@example.org", who, string(member.RoleMember)).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	m := member.Member{ID: id, PublicID: "m-" + who, Role: member.RoleMember}
	e.members[who] = m
	return m
}

// events returns the postings of every ledger event of a type, in order,
// each as account → amount.
func (e *env) events(t *testing.T, typ ledger.Type) []map[string]int64 {
	t.Helper()
	rows, err := e.db.Read().QueryContext(t.Context(), `SELECT l.event_id, p.account, p.amount FROM ledger_events l JOIN postings p ON p.event_id = l.event_id WHERE l.type = $1 ORDER BY l.seq, p.id`, typ)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]int64
	last := ""
	for rows.Next() {
		var id, acct string
		var amount int64
		if err := rows.Scan(&id, &acct, &amount); err != nil {
			t.Fatal(err)
		}
		if id != last {
			out = append(out, map[string]int64{})
			last = id
		}
		out[len(out)-1][acct] = amount
	}
	return out
}
