package govern_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func (e *env) member(name string) member.Member {
	return member.Member{ID: e.ids[name], PublicID: "m-" + name, Role: member.RoleMember}
}

func (e *env) delegate(t *testing.T, from, to string, topic govern.Topic) {
	t.Helper()
	if _, err := e.g.Delegate(t.Context(), e.member(from), "m-"+to, topic, e.now); err != nil {
		t.Fatalf("%s delegates to %s on %q: %v", from, to, topic, err)
	}
}

// binding is a binding proposal on param with one value and "keep".
func (e *env) binding(param coop.Param, value int64) govern.Draft {
	return govern.Draft{Title: "Change " + string(param), Text: "Change it.", Mode: govern.PerMember, Param: param, Quorum: 0.5,
		ClosesAt: e.now.Add(2 * 24 * time.Hour), Options: []govern.Option{{Label: "change", Value: &value}, {Label: "keep"}}}
}

// pass makes a binding proposal that every named member votes for and
// decides it: its change is queued.
func (e *env) pass(t *testing.T, param coop.Param, value int64, voters ...string) govern.Proposal {
	t.Helper()
	p := e.propose(t, e.binding(param, value))
	for _, name := range voters {
		e.vote(t, name, p, 0)
	}
	got := e.decide(t, p)
	if got.Status != govern.Passed || got.Change == nil || got.Change.State != govern.Queued {
		t.Fatalf("proposal on %s: %s, change %+v", param, got.Status, got.Change)
	}
	return got
}

func wantInvalid(t *testing.T, err error, field, says string) {
	t.Helper()
	pr, ok := problem.As(err)
	if !ok || pr.Kind != problem.Invalid || !strings.Contains(pr.Fields[field], says) {
		t.Fatalf("%v; want invalid, %s saying %q", err, field, says)
	}
}

// TestDelegatedTally: a delegate's vote carries the weight of those who
// delegated to them, through chains, once each; a delegation for the
// proposal's topic wins over one for everything; a member who votes
// themself is carried by nobody; a revoked delegation carries nothing.
func TestDelegatedTally(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan", "eve", "fay")
		e.delegate(t, "dan", "bob", "")                            // dan → bob
		e.delegate(t, "eve", "dan", "")                            // eve → dan → bob
		e.delegate(t, "carol", "bob", "")                          // everything to bob …
		e.delegate(t, "carol", "ada", govern.Topic(coop.PayFloor)) // … but the pay floor to ada
		e.delegate(t, "fay", "carol", "")                          // fay → carol (on the floor: → ada)
		for _, tc := range []struct {
			name        string
			votes       map[string]int
			param       bool
			raise, keep float64
			delegated   int
		}{
			{"topic delegation wins, chains carried", map[string]int{"ada": 0, "bob": 1}, true, 3, 3, 4},
			{"everything else follows the delegation for all", map[string]int{"ada": 0, "bob": 1}, false, 1, 5, 4},
			{"voting overrides the delegate", map[string]int{"ada": 0, "bob": 1, "eve": 0, "carol": 1}, true, 2, 4, 2},
			{"a delegate who does not vote passes it on to no one", map[string]int{"ada": 0}, false, 1, 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := e.draft(govern.PerMember, "raise", "keep")
				if tc.param {
					d = e.binding(coop.PayFloor, 2000)
				}
				p := e.propose(t, d)
				for name, o := range tc.votes {
					e.vote(t, name, p, o)
				}
				r := e.decide(t, p).Result
				if r.Options[0].Weight != tc.raise || r.Options[1].Weight != tc.keep || r.Delegated != tc.delegated || r.Voters != len(tc.votes) {
					t.Fatalf("result %+v; want %v to %v with %d carried", r, tc.raise, tc.keep, tc.delegated)
				}
				if r.Cast != tc.raise+tc.keep || r.Turnout != r.Cast/6 {
					t.Fatalf("turnout %v of cast %v: delegated weight counts towards the quorum", r.Turnout, r.Cast)
				}
				e.now = e.now.Add(3 * 24 * time.Hour)
			})
		}
		if err := e.g.Revoke(t.Context(), e.member("eve"), ""); err != nil {
			t.Fatal(err)
		}
		if err := e.g.Revoke(t.Context(), e.member("eve"), ""); !problem.Is(err, problem.NotFound) {
			t.Fatalf("revoke twice: %v", err)
		}
		p := e.propose(t, e.draft(govern.PerMember, "raise", "keep"))
		e.vote(t, "bob", p, 0)
		if r := e.decide(t, p).Result; r.Options[0].Weight != 4 || r.Delegated != 3 {
			t.Fatalf("after eve revoked: %+v", r)
		}
		mine, n, err := e.g.Delegations(t.Context(), e.member("carol"))
		if err != nil || len(mine) != 2 || mine[0].Topic != "" || mine[0].Delegate != "m-bob" || mine[1].Topic != govern.Topic(coop.PayFloor) || n != 1 {
			t.Fatalf("carol's delegations %+v, %d delegate to her (%v)", mine, n, err)
		}
		// Nothing about a delegation reaches the log: dan and fay never
		// voted, only delegated, and no event names them; the decisions
		// hold only how many were carried.
		rows, err := db.Read().QueryContext(t.Context(), `SELECT entry, content FROM ledger_events`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var entry, content []byte
			if err := rows.Scan(&entry, &content); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{"m-dan", "m-fay"} {
				if strings.Contains(string(entry)+string(content), who) {
					t.Fatalf("an event names %s, who only delegated: %s %s", who, entry, content)
				}
			}
		}
	})
}

// TestDelegatedShares: in a share-weighted vote a delegator adds their own
// weight — the square root of their own shares, not of a pooled sum — and
// one holding no shares adds nothing.
func TestDelegatedShares(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan")
		e.giveShares(t, map[string]int64{"ada": 4, "bob": 9, "carol": 16})
		e.delegate(t, "carol", "ada", "")
		e.delegate(t, "dan", "ada", "")
		p := e.propose(t, e.draft(govern.Quadratic, "a", "b"))
		e.vote(t, "ada", p, 0)
		e.vote(t, "bob", p, 1)
		r := e.decide(t, p).Result
		if r.Options[0].Weight != 6 || r.Options[1].Weight != 3 || r.Delegated != 1 || r.Status != govern.Passed {
			t.Fatalf("result %+v; want 2 + 4 against 3", r)
		}
	})
}

// TestDelegationRefusals: no delegating to oneself, to nobody, on a topic
// that is not one, or in a circle — directly, through others, or through
// a delegation on everything meeting one on a topic; the refusal names
// the circle. Revoking one link lets the same delegation through.
func TestDelegationRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol")
		ctx := t.Context()
		_, err := e.g.Delegate(ctx, e.member("ada"), "m-ada", "", e.now)
		wantInvalid(t, err, "delegate", "someone other than you")
		_, err = e.g.Delegate(ctx, e.member("ada"), "m-nobody", "", e.now)
		wantInvalid(t, err, "delegate", "pseudonym")
		_, err = e.g.Delegate(ctx, e.member("ada"), "m-bob", "weather", e.now)
		wantInvalid(t, err, "topic", "pay_floor_per_hour")
		_, err = e.g.Delegate(ctx, e.member("ada"), "m-bob", govern.Topic(coop.LegalMinimumPay), e.now)
		wantInvalid(t, err, "topic", "")

		e.delegate(t, "ada", "bob", "")
		e.delegate(t, "bob", "carol", "")
		_, err = e.g.Delegate(ctx, e.member("carol"), "m-ada", "", e.now)
		wantCircle(t, err, "delegating to m-ada would close a circle of delegations on every proposal", "m-bob", "m-carol")
		_, err = e.g.Delegate(ctx, e.member("carol"), "m-ada", govern.Topic(coop.TreasuryShare), e.now)
		wantCircle(t, err, "delegating to m-ada would close a circle of delegations on the topic treasury_share_bp", "m-bob", "m-carol")
		// bob delegates the floor apart to ada: ada's delegation on
		// everything goes to bob, so on the floor they would go round.
		_, err = e.g.Delegate(ctx, e.member("bob"), "m-ada", govern.Topic(coop.PayFloor), e.now)
		wantCircle(t, err, "delegating to m-ada would close a circle of delegations on the topic pay_floor_per_hour", "m-bob")
		if err := e.g.Revoke(ctx, e.member("ada"), ""); err != nil {
			t.Fatal(err)
		}
		e.delegate(t, "bob", "ada", govern.Topic(coop.PayFloor))
		e.delegate(t, "carol", "ada", "")
		// ada on the floor to carol: carol → ada, so no; on the treasury
		// share: carol → ada → (nothing) — also a circle through carol.
		_, err = e.g.Delegate(ctx, e.member("ada"), "m-carol", govern.Topic(coop.TreasuryShare), e.now)
		wantCircle(t, err, "delegating to m-carol would close a circle of delegations on the topic treasury_share_bp", "m-ada")
	})
}

// wantCircle wants a refused delegation that says what it would close,
// naming none of the others, whose delegations are private.
func wantCircle(t *testing.T, err error, says string, others ...string) {
	t.Helper()
	wantInvalid(t, err, "delegate", says)
	pr, _ := problem.As(err)
	for _, o := range others {
		if strings.Contains(pr.Error(), o) || strings.Contains(pr.Fields["delegate"], o) {
			t.Fatalf("the refusal names %s, whose delegation is private: %v", o, pr.Fields)
		}
	}
}

// TestProposalThreshold: a proposer holding fewer shares than the
// threshold waits for co-signers — no votes meanwhile, never their own
// signature, each co-signer once —; the last co-signer opens voting for
// the whole window; one who holds enough opens voting alone.
func TestProposalThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan")
		ctx := t.Context()
		e.giveShares(t, map[string]int64{"dan": 5})
		stella := member.Member{Role: member.RoleSteward}
		if err := e.params.SetAsSteward(ctx, stella, coop.ProposalShares, 5); err != nil {
			t.Fatal(err)
		}
		d := e.draft(govern.PerMember, "yes", "no")
		p := e.propose(t, d)
		if p.Phase(e.now) != govern.Cosigning || p.CosignersNeeded != 2 {
			t.Fatalf("proposal by a member without shares: %s, %d co-signers needed", p.Phase(e.now), p.CosignersNeeded)
		}
		if _, err := e.g.Vote(ctx, e.ids["bob"], p.ID, 0, e.now); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "2 more members co-sign it") {
			t.Fatalf("vote while co-signing: %v", err)
		}
		if _, err := e.g.Cosign(ctx, e.member("ada"), p.ID, e.now); !problem.Is(err, problem.Conflict) {
			t.Fatalf("proposer co-signs: %v", err)
		}
		if _, err := e.g.Cosign(ctx, e.member("bob"), p.ID, e.now); err != nil {
			t.Fatal(err)
		}
		if _, err := e.g.Cosign(ctx, e.member("bob"), p.ID, e.now); !problem.Is(err, problem.Conflict) {
			t.Fatalf("co-sign twice: %v", err)
		}
		if _, err := e.g.Vote(ctx, e.ids["bob"], p.ID, 0, e.now); err == nil || !strings.Contains(err.Error(), "when 1 more member co-signs it") {
			t.Fatalf("vote while one co-signer is missing: %v", err)
		}
		if n, err := e.g.Decide(ctx, p.ClosesAt.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("decided %d (%v) a proposal still co-signing", n, err)
		}
		later := e.now.Add(30 * time.Hour)
		got, err := e.g.Cosign(ctx, e.member("carol"), p.ID, later)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phase(later) != govern.Voting || !got.OpensAt.Equal(later) || got.ClosesAt.Sub(got.OpensAt) != 7*24*time.Hour ||
			strings.Join(got.Cosigners, ",") != "m-bob,m-carol" {
			t.Fatalf("after the last co-signer: %s, %v–%v, co-signers %v", got.Phase(later), got.OpensAt, got.ClosesAt, got.Cosigners)
		}
		if _, err := e.g.Cosign(ctx, e.member("dan"), p.ID, later); !problem.Is(err, problem.Conflict) {
			t.Fatalf("co-sign an open proposal: %v", err)
		}
		alone, err := e.g.Create(ctx, e.ids["dan"], d, e.now)
		if err != nil || alone.Phase(e.now) != govern.Voting || alone.CosignersNeeded != 0 {
			t.Fatalf("proposal by a holder of 5 shares: %+v (%v)", alone, err)
		}
		// One nobody co-signs lapses after CosignFor, once.
		lonely := e.propose(t, d)
		if _, err := e.g.Decide(ctx, lonely.CreatedAt.Add(govern.CosignFor-time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.g.Get(ctx, lonely.ID); got.Status != govern.Open {
			t.Fatalf("lapsed early: %s", got.Status)
		}
		for range 2 {
			if _, err := e.g.Decide(ctx, lonely.CreatedAt.Add(govern.CosignFor)); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = e.g.Get(ctx, lonely.ID)
		if got.Status != govern.Rejected || got.Result == nil || !strings.Contains(got.Result.Note, "lapsed") || got.EventID == "" {
			t.Fatalf("after %v without co-signers: %s, %+v", govern.CosignFor, got.Status, got.Result)
		}
	})
}

// TestCounterProposal: a passed change waits in its timelock; a
// counter-proposal may only name such a change; one that passes stops
// it for good, published as change.stopped; while one is open for
// voting the change waits even past its timelock, and applies when it
// fails.
func TestCounterProposal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		ctx := t.Context()
		counter := func(stops int64, closes time.Time) govern.Draft {
			return govern.Draft{Title: "Stop it", Text: "Stop that change.", Mode: govern.PerMember, Quorum: 0.5, Stops: stops, ClosesAt: closes,
				Options: []govern.Option{{Label: "stop"}, {Label: "let it apply", StatusQuo: true}}}
		}
		first := e.pass(t, coop.PayFloor, 2000, "ada", "bob")
		_, err := e.g.Create(ctx, e.ids["ada"], counter(first.ID+100, e.now.Add(25*time.Hour)), e.now)
		wantInvalid(t, err, "stops", "no change waiting")
		bad := counter(first.ID, e.now.Add(25*time.Hour))
		bad.Options[1].StatusQuo = false
		_, err = e.g.Create(ctx, e.ids["ada"], bad, e.now)
		wantInvalid(t, err, "options", "lets the change apply")

		c := e.propose(t, counter(first.ID, e.now.Add(25*time.Hour)))
		e.vote(t, "ada", c, 0)
		e.vote(t, "bob", c, 0)
		e.decide(t, c)
		e.now = first.Change.AppliesAt.Add(time.Hour)
		if _, err := e.g.Decide(ctx, e.now); err != nil {
			t.Fatal(err)
		}
		got, _ := e.g.Get(ctx, first.ID)
		if got.Change.State != govern.Stopped || got.Change.StoppedBy != c.ID || e.payFloor(t) != 1500 {
			t.Fatalf("change after the counter-proposal passed: %+v, floor %d", got.Change, e.payFloor(t))
		}
		if n := countEvents(t, db, string(ledger.ChangeStopped)); n != 1 {
			t.Fatalf("%d change.stopped events", n)
		}
		_, err = e.g.Create(ctx, e.ids["ada"], counter(first.ID, e.now.Add(25*time.Hour)), e.now)
		wantInvalid(t, err, "stops", "no longer waiting")

		// A counter-proposal still open holds the change past its
		// timelock; when it fails, the change applies.
		second := e.pass(t, coop.PayFloor, 1800, "ada", "bob")
		c2 := e.propose(t, counter(second.ID, second.Change.AppliesAt.Add(24*time.Hour)))
		e.vote(t, "ada", c2, 1)
		if _, err := e.g.Decide(ctx, second.Change.AppliesAt); err != nil {
			t.Fatal(err)
		}
		if e.payFloor(t) != 1500 {
			t.Fatal("the change applied while a counter-proposal was open")
		}
		e.decide(t, c2)
		if got, _ := e.g.Get(ctx, second.ID); got.Change.State != govern.Applied || e.payFloor(t) != 1800 {
			t.Fatalf("after the counter-proposal failed: %+v, floor %d", got.Change, e.payFloor(t))
		}
	})
}

// TestConstraintsAtCreation: a binding proposal any of whose values would
// break a rule no vote can change is refused when it is made, naming the
// rule — with the changes already queued counted in —; no proposal may
// set what only a steward sets; and a queued change that would break a
// rule when due (the steward raised the legal minimum meanwhile) is void.
func TestConstraintsAtCreation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		ctx := t.Context()
		create := func(d govern.Draft) error { _, err := e.g.Create(ctx, e.ids["ada"], d, e.now); return err }
		wantInvalid(t, create(e.binding(coop.ContributorShare, 9500)), "shares_within_whole", "more than 100 %")
		wantInvalid(t, create(e.binding(coop.LegalMinimumPay, 1000)), "param", "steward")
		stella := member.Member{Role: member.RoleSteward}
		if err := e.params.SetAsSteward(ctx, stella, coop.LegalMinimumPay, 1200); err != nil {
			t.Fatal(err)
		}
		wantInvalid(t, create(e.binding(coop.PayFloor, 1100)), "pay_floor_above_legal_minimum", "below the legal minimum")

		// Each alone keeps the shares within 100 %, together they do not.
		e.pass(t, coop.ContributorShare, 8500, "ada", "bob")
		if err := create(e.binding(coop.TreasuryShare, 1500)); err != nil {
			t.Fatalf("treasury 15 %% with contributors at 85 %% once queued: %v", err)
		}
		wantInvalid(t, create(e.binding(coop.TreasuryShare, 2000)), "shares_within_whole", "85.00 %")

		lower := e.pass(t, coop.PayFloor, 1300, "ada", "bob")
		if err := e.params.SetAsSteward(ctx, stella, coop.LegalMinimumPay, 1350); err != nil {
			t.Fatal(err)
		}
		if _, err := e.g.Decide(ctx, lower.Change.AppliesAt); err != nil {
			t.Fatal(err)
		}
		got, _ := e.g.Get(ctx, lower.ID)
		if got.Change.State != govern.Void || !strings.Contains(got.Change.Note, "legal minimum") || e.payFloor(t) != 1500 {
			t.Fatalf("change below the new legal minimum: %+v, floor %d", got.Change, e.payFloor(t))
		}
		if v, _ := e.params.Get(ctx, nil, coop.ContributorShare); v != 8500 {
			t.Fatalf("contributors' share %d after its timelock", v)
		}
	})
}

// TestOpenProposalsTogether: while a proposal to raise the contributors'
// share is open, one to raise the treasury's share that would take the
// two over 100 % if both passed is refused when it is made, naming the
// open one; one that fits beside it is taken, and once the open one is
// decided against, the refused one may be made.
func TestOpenProposalsTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		ctx := t.Context()
		contributors := e.propose(t, e.binding(coop.ContributorShare, 8500))
		_, err := e.g.Create(ctx, e.ids["bob"], e.binding(coop.TreasuryShare, 2000), e.now)
		pr, ok := problem.As(err)
		want := fmt.Sprintf("proposal %d (%q) both pass", contributors.ID, contributors.Title)
		if !ok || pr.Kind != problem.Conflict || !strings.Contains(pr.Fields["shares_within_whole"], want) || !strings.Contains(pr.Fields["shares_within_whole"], "105.00 %") {
			t.Fatalf("treasury 20 %% beside an open contributors' 85 %%: %v", err)
		}
		if _, err := e.g.Create(ctx, e.ids["bob"], e.binding(coop.TreasuryShare, 1500), e.now); err != nil {
			t.Fatalf("treasury 15 %% fits beside contributors' 85 %%: %v", err)
		}
		e.vote(t, "ada", contributors, 1)
		e.vote(t, "bob", contributors, 1)
		if got := e.decide(t, contributors); got.Status != govern.Rejected {
			t.Fatalf("contributors' proposal: %s", got.Status)
		}
		if _, err := e.g.Create(ctx, e.ids["bob"], e.binding(coop.TreasuryShare, 2000), e.now); err != nil {
			t.Fatalf("treasury 20 %% once the other was rejected: %v", err)
		}
	})
}

// TestRelatedChangesQueued: two proposals that break a rule together both
// pass (the second made before such pairs were refused at creation); the
// first is queued, and the second is rejected at its count with a note
// naming the rule rather than queued to fail later.
func TestRelatedChangesQueued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		contributors := e.propose(t, e.binding(coop.ContributorShare, 8500))
		treasury := e.propose(t, e.binding(coop.TreasuryShare, 1500))
		if err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE proposals SET param_values = '{"0":2000}' WHERE id = $1`, treasury.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []govern.Proposal{contributors, treasury} {
			e.vote(t, "ada", p, 0)
			e.vote(t, "bob", p, 0)
		}
		e.decide(t, contributors)
		got := e.decide(t, treasury)
		if got.Status != govern.Rejected || got.Change != nil || !strings.Contains(got.Result.Note, "shares_within_whole") {
			t.Fatalf("second change: %s, change %+v, note %q", got.Status, got.Change, got.Result.Note)
		}
		if first, _ := e.g.Get(t.Context(), contributors.ID); first.Change == nil || first.Change.State != govern.Queued {
			t.Fatalf("first change: %+v", first.Change)
		}
	})
}
