package datanet_test

import (
	"context"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// curatedEnv adds to env a curated Q&A datanet "advice" created by ada
// that pays 50 points per accepted record, a plain member cara and a
// steward stella; bob has agreed to contribute to it.
type curatedEnv struct {
	*env
	cara, stella member.Member
	bal          func(account string) int64
}

func newCuratedEnv(t *testing.T, db *store.DB) *curatedEnv {
	t.Helper()
	ctx := t.Context()
	e := &curatedEnv{env: newEnv(t, db)}
	for _, m := range []struct {
		who  *member.Member
		name string
		role member.Role
	}{{&e.cara, "cara", member.RoleMember}, {&e.stella, "stella", member.RoleSteward}} {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', $4, 0) RETURNING id`,
				"m-"+m.name, m.name+"@example.org", m.name, string(m.role)).Scan(&m.who.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		m.who.Role, m.who.PublicID = m.role, "m-"+m.name
	}
	_, err := e.svc.Create(ctx, requester(e.ada), datanet.Datanet{Slug: "advice", Name: "Advice", Domain: "law", Client: "Legal Aid", Purpose: "plain answers",
		Licence: "CC BY 4.0", RecordKind: datanet.KindQA, Curated: true, RewardPerRecord: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []int64{e.ada, e.bob, e.cara.ID} {
		if _, err := e.svc.ConsentAction(ctx, m, "advice", "grant"); err != nil {
			t.Fatal(err)
		}
	}
	rw := reward.NewService(db, ledger.New(db))
	e.bal = func(account string) int64 {
		t.Helper()
		b, err := rw.Balance(t.Context(), account)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return e
}

// contribute has member give Q&A pairs to advice and returns their ids.
func (e *curatedEnv) contribute(t *testing.T, memberID int64, pairs ...[2]string) []string {
	t.Helper()
	res, err := e.svc.Contribute(t.Context(), memberID, "advice", qaLines(t, e.datanet(t, "advice"), pairs...), datanet.IntakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 0 || res.Pending != len(pairs) {
		t.Fatalf("a curated datanet took %d records at once and left %d waiting, want 0 and %d", res.Accepted, res.Pending, len(pairs))
	}
	var ids []string
	for _, o := range res.Outcomes {
		if o.Status != "pending" {
			t.Fatalf("outcome %+v, want pending", o)
		}
		ids = append(ids, o.Contribution)
	}
	return ids
}

func wantKind(t *testing.T, err error, kind problem.Kind, what string) {
	t.Helper()
	if !problem.Is(err, kind) {
		t.Fatalf("%s: err = %v, want %s", what, err, kind)
	}
}

func paidEvents(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, string(ledger.ContributionPaid)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A curated datanet's records wait in the queue, out of exports and
// versions, until a curator decides; acceptance pays once from the
// creator's funding account; a rejection needs a reason, its contributor
// reads it and appeals once, and a steward's overturn pays as an
// acceptance would; nobody outside the curators decides.
func TestCurationQueueAcceptRejectAppeal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ada := requester(e.ada)
		ids := e.contribute(t, e.bob, qaPairs["deposit"], qaPairs["notice"], qaPairs["boiler"])

		// Waiting records are in no export, version or count.
		if got := exported(t, e.svc, "advice"); len(got) != 0 {
			t.Fatalf("the export holds %d waiting records", len(got))
		}
		if st, _ := e.svc.Stats(ctx, e.datanet(t, "advice").ID); st.Records != 0 {
			t.Fatalf("stats count %d waiting records", st.Records)
		}

		// Only curators see the queue and decide.
		_, _, err := e.svc.Queue(ctx, e.cara, "advice", 10)
		wantKind(t, err, problem.Forbidden, "cara's queue")
		_, err = e.svc.Decide(ctx, e.cara, ids[0], datanet.Decision{Accept: true})
		wantKind(t, err, problem.Forbidden, "cara decides")
		_, err = e.svc.SetCuration(ctx, e.cara, "advice", datanet.CurationSettings{Curated: true, Curators: []string{"m-cara"}})
		wantKind(t, err, problem.Forbidden, "cara names herself")
		if _, err := e.svc.SetCuration(ctx, ada, "advice", datanet.CurationSettings{Curated: true, RewardPerRecord: 50, Curators: []string{"m-cara"}}); err != nil {
			t.Fatal(err)
		}
		queue, total, err := e.svc.Queue(ctx, e.cara, "advice", 10)
		if err != nil || total != 3 || len(queue) != 3 || queue[0].Record == nil || queue[0].Record.Question != qaPairs["deposit"][0] || queue[0].Contributor != "m-bob" {
			t.Fatalf("cara's queue: %d of %d, %+v, %v", len(queue), total, queue, err)
		}
		// ... but not on their own records.
		own := e.contribute(t, e.cara.ID, [2]string{"Can I sublet my room without asking?", "Ask the landlord in writing first; they may refuse only for a good reason."})
		_, err = e.svc.Decide(ctx, e.cara, own[0], datanet.Decision{Accept: true})
		wantKind(t, err, problem.Forbidden, "cara decides on her own record")

		// Accepting pays once.
		fund, bobAcct := reward.FundingAccount("m-ada"), reward.MemberAccount("m-bob")
		c, err := e.svc.Decide(ctx, e.cara, ids[0], datanet.Decision{Accept: true, Reason: "clear and correct"})
		if err != nil || c.State != datanet.CurationAccepted || c.Reward != 50 || c.PaidEvent == "" {
			t.Fatalf("accept: %+v, %v", c, err)
		}
		_, err = e.svc.Decide(ctx, ada, ids[0], datanet.Decision{Accept: true})
		wantKind(t, err, problem.Conflict, "accept twice")
		if e.bal(bobAcct) != 50 || e.bal(fund) != -50 || paidEvents(t, db) != 1 {
			t.Fatalf("after one acceptance: bob %d, funding %d, %d payments", e.bal(bobAcct), e.bal(fund), paidEvents(t, db))
		}
		if got := exported(t, e.svc, "advice"); len(got) != 1 || got[0].ID != ids[0] {
			t.Fatalf("the export after one acceptance: %+v", got)
		}

		// Rejecting needs a reason.
		_, err = e.svc.Decide(ctx, ada, ids[1], datanet.Decision{Reason: "no"})
		if pe, ok := err.(*problem.Error); !ok || pe.Kind != problem.Invalid || pe.Fields["reason"] == "" {
			t.Fatalf("reject without a reason: %v", err)
		}
		const reason = "Three months is the tenant's notice only for old leases; cite the lease."
		if c, err := e.svc.Decide(ctx, ada, ids[1], datanet.Decision{Reason: reason}); err != nil || c.State != datanet.CurationRejected {
			t.Fatalf("reject: %+v, %v", c, err)
		}
		if _, err := e.svc.Decide(ctx, ada, ids[2], datanet.Decision{Reason: "The boiler answer leaves out the tenant's duty to report it."}); err != nil {
			t.Fatal(err)
		}
		// The contributor reads the decision, its reason and the score.
		hist, _, err := e.svc.History(ctx, e.bob, store.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]datanet.Contribution{}
		for _, h := range hist {
			byID[h.ID] = h
		}
		if h := byID[ids[1]]; h.Status != "rejected" || h.Curation != datanet.CurationRejected || h.Reason != reason || h.Score == nil || h.Score.Value != 0 || !h.MayAppeal() {
			t.Fatalf("bob's rejected record: %+v", h)
		}
		if h := byID[ids[0]]; h.Status != "accepted" || h.Paid != 50 || h.Score == nil || *h.Score.Decision != 1 || h.LogIndex == nil && h.EventID == "" {
			t.Fatalf("bob's accepted record: %+v", h)
		}

		// An appeal and a ruling too short say what each is for, not
		// what a curator's rejection is for.
		_, err = e.svc.Appeal(ctx, e.bob, ids[1], "wrong")
		if pr, ok := problem.As(err); !ok || !strings.Contains(pr.Message, "why the rejection is wrong, so that a steward can rule on it") {
			t.Fatalf("a short appeal: %v", err)
		}
		_, err = e.svc.Rule(ctx, e.stella, ids[1], true, "ok")
		if pr, ok := problem.As(err); !ok || !strings.Contains(pr.Message, "what you ruled and why") {
			t.Fatalf("a short ruling: %v", err)
		}
		// An appeal: only the contributor's, once; a steward rules.
		_, err = e.svc.Appeal(ctx, e.cara.ID, ids[1], "This is not my record but I appeal anyway.")
		wantKind(t, err, problem.NotFound, "cara appeals bob's record")
		_, err = e.svc.Appeal(ctx, e.bob, ids[0], "I appeal my acceptance for no reason at all.")
		wantKind(t, err, problem.Conflict, "appeal an acceptance")
		if c, err := e.svc.Appeal(ctx, e.bob, ids[1], "The lease is from 2019; three months is the law for it."); err != nil || c.State != datanet.CurationAppealed {
			t.Fatalf("appeal: %+v, %v", c, err)
		}
		_, err = e.svc.Appeal(ctx, e.bob, ids[1], "And once more, with feeling, please.")
		wantKind(t, err, problem.Conflict, "appeal twice")
		appeals, n, err := e.svc.Appeals(ctx, e.stella, 10)
		if err != nil || n != 1 || appeals[0].Contribution != ids[1] || appeals[0].Appeal == "" || appeals[0].Record == nil {
			t.Fatalf("stewards' appeals: %d %+v %v", n, appeals, err)
		}
		_, _, err = e.svc.Appeals(ctx, ada, 10)
		wantKind(t, err, problem.Forbidden, "a requester lists appeals")
		_, err = e.svc.Rule(ctx, ada, ids[1], true, "Overturned: the lease is old enough.")
		wantKind(t, err, problem.Forbidden, "a requester rules")

		// Overturning accepts and pays, once.
		c, err = e.svc.Rule(ctx, e.stella, ids[1], true, "Overturned: the lease is old enough.")
		if err != nil || c.State != datanet.CurationOverturned || c.Reward != 50 || c.Score == nil || *c.Score.Decision != 1 {
			t.Fatalf("overturn: %+v, %v", c, err)
		}
		_, err = e.svc.Rule(ctx, e.stella, ids[1], true, "Overturned again, to be sure.")
		wantKind(t, err, problem.Conflict, "rule twice")
		if e.bal(bobAcct) != 100 || e.bal(fund) != -100 || paidEvents(t, db) != 2 {
			t.Fatalf("after the overturn: bob %d, funding %d, %d payments", e.bal(bobAcct), e.bal(fund), paidEvents(t, db))
		}

		// Upholding keeps the rejection and pays nothing.
		if _, err := e.svc.Appeal(ctx, e.bob, ids[2], "Reporting it is obvious, everyone knows that."); err != nil {
			t.Fatal(err)
		}
		if c, err := e.svc.Rule(ctx, e.stella, ids[2], false, "Upheld: the duty to report matters to the answer."); err != nil || c.State != datanet.CurationUpheld {
			t.Fatalf("uphold: %+v, %v", c, err)
		}
		_, err = e.svc.Appeal(ctx, e.bob, ids[2], "Let me appeal the ruling one more time.")
		wantKind(t, err, problem.Conflict, "appeal after the ruling")
		if e.bal(bobAcct) != 100 || paidEvents(t, db) != 2 {
			t.Fatalf("an upheld rejection paid: bob %d, %d payments", e.bal(bobAcct), paidEvents(t, db))
		}
		if got := exported(t, e.svc, "advice"); len(got) != 2 {
			t.Fatalf("the export holds %d records, want the 2 accepted", len(got))
		}
	})
}

// Two curators accepting the same record at once: it is accepted and
// paid once, and the other is told it was decided.
func TestCurationAcceptsOnceUnderRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ids := e.contribute(t, e.bob, qaPairs["deposit"])
		errs := make(chan error, 2)
		for _, who := range []member.Member{requester(e.ada), e.stella} {
			go func() {
				_, err := e.svc.Decide(context.WithoutCancel(ctx), who, ids[0], datanet.Decision{Accept: true})
				errs <- err
			}()
		}
		ok := 0
		for range 2 {
			if err := <-errs; err == nil {
				ok++
			} else if !problem.Is(err, problem.Conflict) {
				t.Fatal(err)
			}
		}
		if ok != 1 || paidEvents(t, db) != 1 || e.bal(reward.MemberAccount("m-bob")) != 50 {
			t.Fatalf("%d acceptances, %d payments, bob has %d", ok, paidEvents(t, db), e.bal(reward.MemberAccount("m-bob")))
		}
	})
}

// The validation score: a record whose answer agrees with the accepted
// records on the same question scores higher than one that does not, and
// gold records check it too.
func TestValidationScore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ada := requester(e.ada)
		q := "Can my landlord keep the whole deposit after I move out?"
		ids := e.contribute(t, e.bob,
			[2]string{q, "Only for damage beyond normal wear and tear, in writing."},
			[2]string{"Can the landlord keep my whole deposit when I move out?", "Only for damage beyond normal wear and tear, accounted in writing."},
			[2]string{"Can a landlord keep the whole deposit once I move out?", "Yes, always, landlords may keep deposits as they like."})
		if _, err := e.svc.Decide(ctx, ada, ids[0], datanet.Decision{Accept: true, Gold: true}); err != nil {
			t.Fatal(err)
		}
		agree, err := e.svc.Decide(ctx, ada, ids[1], datanet.Decision{Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		disagree, err := e.svc.Decide(ctx, ada, ids[2], datanet.Decision{Reason: "Wrong: deposits are kept only for damage."})
		if err != nil {
			t.Fatal(err)
		}
		if agree.Score == nil || agree.Score.Agreement == nil || *agree.Score.Agreement != 1 || agree.Score.Gold == nil || *agree.Score.Gold != 1 || agree.Score.Value != 1 {
			t.Fatalf("the agreeing record's score: %+v", agree.Score)
		}
		if disagree.Score == nil || disagree.Score.Agreement == nil || *disagree.Score.Agreement != 0 || disagree.Score.Value != 0 {
			t.Fatalf("the disagreeing record's score: %+v", disagree.Score)
		}
	})
}

// A version's diff lists what it added, the records whose gold mark
// changed and the records erased since the version before.
func TestVersionDiff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ada := requester(e.ada)
		ids := e.contribute(t, e.bob, qaPairs["deposit"], qaPairs["notice"], qaPairs["boiler"])
		for _, id := range ids[:2] {
			if _, err := e.svc.Decide(ctx, ada, id, datanet.Decision{Accept: true}); err != nil {
				t.Fatal(err)
			}
		}
		if v, err := e.svc.CreateVersion(ctx, ada, "advice"); err != nil || v.Records != 2 {
			t.Fatalf("version 1: %+v, %v", v, err)
		}
		d1, err := e.svc.Diff(ctx, ada, "advice", 1)
		if err != nil || d1.From != 0 || d1.Added.Count != 2 || d1.Erased.Count != 0 {
			t.Fatalf("diff of version 1: %+v, %v", d1, err)
		}
		// Then: one more accepted, one marked gold, one erased.
		if _, err := e.svc.Decide(ctx, ada, ids[2], datanet.Decision{Accept: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetGold(ctx, ada, ids[1], true); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SetGold(ctx, e.cara, ids[1], false)
		wantKind(t, err, problem.Forbidden, "cara marks gold")
		if err := e.svc.Erase(ctx, e.bob, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateVersion(ctx, ada, "advice"); err != nil {
			t.Fatal(err)
		}
		d2, err := e.svc.Diff(ctx, ada, "advice", 2)
		if err != nil {
			t.Fatal(err)
		}
		one := func(p datanet.DiffPart, id string) bool {
			return p.Count == 1 && len(p.Records) == 1 && p.Records[0].ID == id
		}
		if d2.From != 1 || !one(d2.Added, ids[2]) || !one(d2.Changed, ids[1]) || !d2.Changed.Records[0].Gold || !one(d2.Erased, ids[0]) || d2.Left.Count != 0 {
			t.Fatalf("diff of version 2: %+v", d2)
		}
		_, err = e.svc.Diff(ctx, e.cara, "advice", 2)
		wantKind(t, err, problem.Forbidden, "a member who does not curate reads the diff")
		_, err = e.svc.Diff(ctx, ada, "advice", 3)
		wantKind(t, err, problem.NotFound, "a diff of no version")
	})
}

// Erasing a rejected, appealed record takes the curator's reason and the
// appeal with it.
func TestErasureTakesCurationTexts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ids := e.contribute(t, e.bob, qaPairs["deposit"])
		if _, err := e.svc.Decide(ctx, requester(e.ada), ids[0], datanet.Decision{Reason: "REASONMARKER is not an answer."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Appeal(ctx, e.bob, ids[0], "APPEALMARKER: it is."); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Erase(ctx, e.bob, ids[0]); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM curations WHERE reason LIKE '%MARKER%' OR appeal LIKE '%MARKER%'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d curation texts left after erasure (%v)", n, err)
		}
		if _, n, _ := e.svc.Appeals(ctx, e.stella, 10); n != 0 {
			t.Fatalf("an erased record's appeal still waits: %d", n)
		}
	})
}

// A waiting record holds its place against duplicates; a rejected one
// lets the same record in again — the index learns it from the decision
// in the database, as another replica's would — and so does the index
// persisted by a service that starts again.
func TestCurationAndDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newCuratedEnv(t, db)
		ids := e.contribute(t, e.bob, qaPairs["deposit"])
		d := e.datanet(t, "advice")
		again := func(svc *datanet.Service) string {
			t.Helper()
			res, err := svc.Contribute(ctx, e.cara.ID, "advice", qaLines(t, d, qaPairs["deposit"]), datanet.IntakeOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			return res.Outcomes[0].Status
		}
		if got := again(e.svc); got != "duplicate" {
			t.Fatalf("the same record while one waits: %s", got)
		}
		if _, err := e.svc.Decide(ctx, requester(e.ada), ids[0], datanet.Decision{Reason: "Say which law, please, and when."}); err != nil {
			t.Fatal(err)
		}
		if got := again(e.svc); got != "pending" {
			t.Fatalf("the same record after a rejection: %s", got)
		}
		e.svc.Close()
		e.svc = e.mk()
		if got := again(e.svc); got != "pending" {
			t.Fatalf("after a restart, the same record after a rejection: %s", got)
		}
	})
}
