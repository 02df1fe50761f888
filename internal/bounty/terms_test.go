package bounty_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// give pays who amount points, as a requester's deposit would.
func (e *env) give(t *testing.T, who string, amount int64) {
	t.Helper()
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := e.r.Transfer(t.Context(), tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{
			{Account: reward.FundingAccount("m-test"), Amount: -amount}, {Account: reward.MemberAccount("m-" + who), Amount: amount}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exec runs an insert and returns the new row's id.
func (e *env) exec(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := e.db.InTx(t.Context(), func(tx *store.Tx) error { return tx.QueryRowContext(t.Context(), q+` RETURNING id`, args...).Scan(&id) }); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBountyFundFromBalance: any member funds a bounty from their own
// balance when it covers the budget — refused with a conflict and nothing
// moved when it does not — and the rest goes back to that balance.
func TestBountyFundFromBalance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		carl, ada := e.members["carl"], e.members["ada"]
		terms := e.parcelTerms() // a budget of 500
		if _, err := e.s.Create(ctx, carl, terms); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member funds from a funding account: %v", err)
		}
		terms.FromBalance = true
		e.give(t, "carl", 499)
		_, err := e.s.Create(ctx, carl, terms)
		wantProblem(t, err, problem.Conflict, "")
		if !strings.Contains(err.Error(), "balance holds 499 (4.99 EUR), less than the budget of 500 (5.00 EUR)") {
			t.Errorf("the refusal says %q", err)
		}
		if got := e.balance(t, "member:m-carl"); got != 499 {
			t.Fatalf("a refused bounty moved carl's balance to %d", got)
		}
		e.give(t, "carl", 101)
		b, err := e.s.Create(ctx, carl, terms)
		if err != nil {
			t.Fatal(err)
		}
		if b.FundedFrom != bounty.FromBalance || b.Left != 500 || e.balance(t, "member:m-carl") != 100 || e.balance(t, reward.FundingAccount("m-carl")) != 0 {
			t.Fatalf("funded from the balance: %+v, carl holds %d", b, e.balance(t, "member:m-carl"))
		}
		e.now = e.now.Add(time.Minute)
		if _, err := e.s.Claim(ctx, ada, b.ID, e.recording(t, "ada", "verified", practice)); err != nil {
			t.Fatal(err)
		}
		closed, err := e.s.Close(ctx, carl, b.ID)
		if err != nil || closed.Refund != 350 {
			t.Fatalf("closed: %+v %v", closed, err)
		}
		if got := e.balance(t, "member:m-carl"); got != 450 {
			t.Errorf("carl holds %d after the refund, want 100 + 350", got)
		}
		if got := e.balance(t, reward.FundingAccount("m-carl")); got != 0 {
			t.Errorf("the refund went to carl's funding account: %d", got)
		}
		// A requester may choose either; from the balance, her funding
		// account is untouched.
		e.give(t, "rita", 500)
		if b, err := e.s.Create(ctx, e.members["rita"], terms); err != nil || b.FundedFrom != bounty.FromBalance || e.balance(t, reward.FundingAccount("m-rita")) != 0 {
			t.Fatalf("rita funds from her balance: %+v %v", b, err)
		}
	})
}

// TestBountyTermsCombinations: who verifies is one of the kind's options,
// a minimum score goes with curation only, curation with a curated
// datanet only, and only recordings have an end; each bad combination is
// refused naming its field.
func TestBountyTermsCombinations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita := e.members["rita"]
		e.exec(t, `INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at) VALUES ('plain', 'plain', 'd', 'c', 'p', 'CC-BY-4.0', 'text', 'open', $1, 0)`, rita.ID)
		records := func(b *bounty.Terms) { b.Kind, b.Datanet, b.Site = bounty.Records, "plain", "" }
		cases := []struct {
			field string
			edit  func(*bounty.Terms)
		}{
			{"verify", func(b *bounty.Terms) { b.Verify = bounty.VerifyCuration }},
			{"verify", func(b *bounty.Terms) { b.Verify = "everyone" }},
			{"verify", func(b *bounty.Terms) { records(b); b.Verify = bounty.VerifyApproval }},
			{"verify", func(b *bounty.Terms) { records(b); b.Verify = bounty.VerifyCuration }}, // not curated
			{"min_score", func(b *bounty.Terms) { records(b); b.MinScore = 50 }},
			{"min_score", func(b *bounty.Terms) { records(b); b.Verify, b.MinScore = bounty.VerifyCuration, 101 }},
			{"min_score", func(b *bounty.Terms) { b.MinScore = -1 }},
			{"end", func(b *bounty.Terms) { b.End = "javascript:alert(1)" }},
			{"end", func(b *bounty.Terms) { records(b); b.End = "/practice/parcel/done" }},
		}
		for _, c := range cases {
			terms := e.parcelTerms()
			c.edit(&terms)
			_, err := e.s.Create(ctx, rita, terms)
			wantProblem(t, err, problem.Invalid, c.field)
		}
		if got := e.balance(t, reward.FundingAccount("m-rita")); got != 0 {
			t.Fatalf("refused bounties moved %d", got)
		}
		terms := e.parcelTerms()
		terms.Verify, terms.End = bounty.VerifyApproval, "/practice/parcel/found"
		b, err := e.s.Create(ctx, rita, terms)
		if err != nil || b.Verify != bounty.VerifyApproval || b.End != "/practice/parcel/found" || !strings.Contains(b.Verifier, "funder") {
			t.Fatalf("a bounty the funder approves: %+v %v", b, err)
		}
		b, err = e.s.Create(ctx, rita, e.parcelTerms())
		if err != nil || b.Verify != bounty.VerifyChecks || b.FundedFrom != bounty.FromFunding {
			t.Fatalf("the defaults: %+v %v", b, err)
		}
	})
}

// TestBountyRecordingEnd: a recording counts only if it reaches the page
// where the bounty's task ends.
func TestBountyRecordingEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		ada := e.members["ada"]
		terms := e.parcelTerms()
		terms.End = "/practice/parcel/status"
		b, err := e.s.Create(ctx, e.members["rita"], terms)
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Minute)
		stops := e.recording(t, "ada", "verified", practice)
		done := e.recording(t, "ada", "verified", practice)
		e.recs.visits[done] = []string{"http://127.0.0.1:1/practice/parcel/status?id=42"}
		if got, err := e.s.Eligible(ctx, ada, b.ID); err != nil || strings.Join(got, ",") != done {
			t.Fatalf("eligible: %v %v", got, err)
		}
		_, err = e.s.Claim(ctx, ada, b.ID, stops)
		wantProblem(t, err, problem.Conflict, "")
		if !strings.Contains(err.Error(), "/practice/parcel/status") {
			t.Errorf("the refusal says %q", err)
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, done); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBountyApproval: under the funder's approval a claim waits, counts
// toward the cap, and is paid only when the funder accepts it; a rejection
// needs a reason and pays nothing; only the funder decides; a claim is
// decided once; the close lapses what still waits.
func TestBountyApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada, stella := e.members["rita"], e.members["ada"], e.members["stella"]
		terms := e.parcelTerms()
		terms.Verify = bounty.VerifyApproval
		b, err := e.s.Create(ctx, rita, terms)
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Minute)
		r1, r2, r3 := e.recording(t, "ada", "verified", practice), e.recording(t, "ada", "verified", practice), e.recording(t, "ada", "verified", practice)
		c1, err := e.s.Claim(ctx, ada, b.ID, r1)
		if err != nil || c1.Status != bounty.ClaimWaiting || c1.Event != "" {
			t.Fatalf("a claim under approval: %+v %v", c1, err)
		}
		if got := e.balance(t, "member:m-ada"); got != 0 {
			t.Fatalf("a waiting claim paid %d", got)
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, r1); !problem.Is(err, problem.Conflict) {
			t.Errorf("the same unit claimed twice: %v", err)
		}
		c2, err := e.s.Claim(ctx, ada, b.ID, r2)
		if err != nil {
			t.Fatal(err)
		}
		// The cap is 2: two waiting claims fill it.
		if _, err := e.s.Claim(ctx, ada, b.ID, r3); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "cap") {
			t.Errorf("a third claim past the cap: %v", err)
		}
		if got, _ := e.s.Eligible(ctx, ada, b.ID); strings.Join(got, ",") != r3 {
			t.Errorf("eligible after two claims: %v", got)
		}
		if _, err := e.s.Waiting(ctx, ada, b.ID); !problem.Is(err, problem.Forbidden) {
			t.Errorf("ada sees the funder's queue: %v", err)
		}
		waiting, err := e.s.Waiting(ctx, rita, b.ID)
		if err != nil || len(waiting) != 2 || waiting[0].Unit != r1 || waiting[0].Member != "m-ada" || waiting[0].Title != "Track a parcel" {
			t.Fatalf("rita's queue: %+v %v", waiting, err)
		}
		for _, who := range []string{"ada", "stella"} {
			if _, err := e.s.Decide(ctx, e.members[who], b.ID, c1.Request, true, ""); !problem.Is(err, problem.Forbidden) {
				t.Errorf("%s decides rita's claim: %v", who, err)
			}
		}
		_, err = e.s.Decide(ctx, rita, b.ID, c2.Request, false, "  ")
		wantProblem(t, err, problem.Invalid, "reason")
		paid, err := e.s.Decide(ctx, rita, b.ID, c1.Request, true, "")
		if err != nil || paid.Status != bounty.ClaimPaid || paid.Event == "" || e.balance(t, "member:m-ada") != 150 {
			t.Fatalf("accepted: %+v %v, ada holds %d", paid, err, e.balance(t, "member:m-ada"))
		}
		if _, err := e.s.Decide(ctx, rita, b.ID, c1.Request, true, ""); !problem.Is(err, problem.NotFound) {
			t.Errorf("deciding an accepted claim again: %v", err)
		}
		if _, err := e.s.Decide(ctx, rita, b.ID, c2.Request, false, "The parcel number is never typed in."); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Decide(ctx, rita, b.ID, c2.Request, true, ""); !problem.Is(err, problem.Conflict) {
			t.Errorf("accepting a rejected claim: %v", err)
		}
		mine, err := e.s.MyRequests(ctx, ada, b.ID)
		if err != nil || len(mine) != 1 || mine[0].State != bounty.ClaimRejected || mine[0].Reason != "The parcel number is never typed in." {
			t.Fatalf("ada's claims: %+v %v", mine, err)
		}
		// The rejection freed a place under the cap: r3 waits, and lapses
		// when the bounty closes.
		c3, err := e.s.Claim(ctx, ada, b.ID, r3)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Close(ctx, stella, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Decide(ctx, rita, b.ID, c3.Request, true, ""); !problem.Is(err, problem.Conflict) {
			t.Errorf("accepting after the close: %v", err)
		}
		if got := e.balance(t, "member:m-ada"); got != 150 {
			t.Errorf("ada holds %d, want 150", got)
		}
		// Erasure takes the member's requests and the funder's reasons.
		if n, err := e.s.EraseRequests(ctx, ada.ID); err != nil || n != 2 {
			t.Errorf("erased %d requests: %v", n, err)
		}
		if mine, _ := e.s.MyRequests(ctx, ada, b.ID); len(mine) != 0 {
			t.Errorf("after erasure: %+v", mine)
		}
	})
}

// TestBountyCurationAndAgreement: a records bounty verified by curation
// pays records a curator accepted with at least the minimum score; an
// annotation bounty verified by agreement pays accepted tasks whose answer
// most of the item's answers give, once there are three.
func TestBountyCurationAndAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada := e.members["rita"], e.members["ada"]
		dn := e.exec(t, `INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at, curated) VALUES ('cur', 'cur', 'd', 'c', 'p', 'CC-BY-4.0', 'text', 'open', $1, 0, 1)`, rita.ID)
		b, err := e.s.Create(ctx, rita, bounty.Terms{Kind: bounty.Records, Title: "Curated", Terms: "Records a curator accepts.", Datanet: "cur",
			Verify: bounty.VerifyCuration, MinScore: 75, Reward: 10, CapPerMember: 5, Budget: 100, Deadline: e.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		record := func(id, status, state string, score any) string {
			e.now = e.now.Add(time.Second)
			c := e.exec(t, `INSERT INTO contributions (public_id, datanet_id, member_id, status, dna, size, created_at) VALUES ($1, $2, $3, $4, $1, 1, $5)`, id, dn, ada.ID, status, e.now.UnixMilli())
			if state != "" {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO curations (contribution_id, datanet_id, state, score, created_at, changed_at) VALUES ($1, $2, $3, $4, 0, 0)`, c, dn, state, score)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			return id
		}
		good := record("c-good", "accepted", "accepted", 0.8)
		low := record("c-low", "accepted", "accepted", 0.7)
		waiting := record("c-wait", "pending", "pending", nil)
		if got, err := e.s.Eligible(ctx, ada, b.ID); err != nil || strings.Join(got, ",") != good {
			t.Errorf("eligible curated records: %v %v", got, err)
		}
		for _, id := range []string{low, waiting} {
			if _, err := e.s.Claim(ctx, ada, b.ID, id); !problem.Is(err, problem.Conflict) {
				t.Errorf("%s: %v", id, err)
			}
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, good); err != nil {
			t.Fatal(err)
		}

		project := e.exec(t, `INSERT INTO projects (slug, name, client, purpose, task_type, labels, instructions, redundancy, pay_per_task, status, requester_id, created_at)
			VALUES ('pets', 'Pets', 'c', 'p', 'image_classification', '["cat","dog"]', 'i', 3, 10, 'approved', $1, 0)`, rita.ID)
		tb, err := e.s.Create(ctx, rita, bounty.Terms{Kind: bounty.Annotation, Title: "Pets", Terms: "Labels most agree with.", Project: "pets",
			Verify: bounty.VerifyAgreement, Reward: 10, CapPerMember: 5, Budget: 100, Deadline: e.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		item := func(name string) int64 {
			return e.exec(t, `INSERT INTO items (project_id, blob, media_type, name, width, height, created_at) VALUES ($1, $2, 'image/png', $2, 10, 10, 0)`, project, name)
		}
		answer := func(itemID int64, who, label string) string {
			e.now = e.now.Add(time.Second)
			id := e.exec(t, `INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at, submitted_at, answer) VALUES ($1, $2, $3, 'task', 'paid', $4, $4, $4, $5)`,
				project, itemID, e.members[who].ID, e.now.UnixMilli(), fmt.Sprintf(`{"label":%q}`, label))
			return fmt.Sprint(id)
		}
		one, two := item("one"), item("two")
		agreeing, disagreeing := answer(one, "ada", "cat"), answer(two, "ada", "dog")
		_, err = e.s.Claim(ctx, ada, tb.ID, agreeing)
		if !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "at least 3") {
			t.Errorf("agreement with one answer: %v", err)
		}
		answer(one, "bob", "cat")
		answer(one, "carl", "dog")
		answer(two, "bob", "cat")
		answer(two, "carl", "cat")
		if got, err := e.s.Eligible(ctx, ada, tb.ID); err != nil || strings.Join(got, ",") != agreeing {
			t.Errorf("eligible agreeing tasks: %v %v", got, err)
		}
		if _, err := e.s.Claim(ctx, ada, tb.ID, disagreeing); !problem.Is(err, problem.Conflict) {
			t.Errorf("a task against the consensus: %v", err)
		}
		if _, err := e.s.Claim(ctx, ada, tb.ID, agreeing); err != nil {
			t.Fatal(err)
		}
		if got := e.balance(t, "member:m-ada"); got != 20 {
			t.Errorf("ada holds %d, want 20", got)
		}
	})
}

// TestBountyAgreementOfBoxes: for boxes, a task agrees when the item's
// box consensus keeps its boxes; one box far from the others' does not.
func TestBountyAgreementOfBoxes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada := e.members["rita"], e.members["ada"]
		project := e.exec(t, `INSERT INTO projects (slug, name, client, purpose, task_type, labels, instructions, redundancy, pay_per_task, status, requester_id, created_at)
			VALUES ('boxes', 'Boxes', 'c', 'p', 'bounding_box', '["box"]', 'i', 3, 10, 'approved', $1, 0)`, rita.ID)
		b, err := e.s.Create(ctx, rita, bounty.Terms{Kind: bounty.Annotation, Title: "Boxes", Terms: "Boxes most agree with.", Project: "boxes",
			Verify: bounty.VerifyAgreement, Reward: 10, CapPerMember: 5, Budget: 100, Deadline: e.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		item := func(name string) int64 {
			return e.exec(t, `INSERT INTO items (project_id, blob, media_type, name, width, height, created_at) VALUES ($1, $2, 'image/png', $2, 100, 100, 0)`, project, name)
		}
		answer := func(itemID int64, who string, x float64) string {
			e.now = e.now.Add(time.Second)
			id := e.exec(t, `INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at, submitted_at, answer) VALUES ($1, $2, $3, 'task', 'paid', $4, $4, $4, $5)`,
				project, itemID, e.members[who].ID, e.now.UnixMilli(), fmt.Sprintf(`{"boxes":[{"label":"box","x":%g,"y":10,"w":20,"h":20}]}`, x))
			return fmt.Sprint(id)
		}
		one, two := item("one"), item("two")
		near := answer(one, "ada", 11)
		answer(one, "bob", 10)
		answer(one, "carl", 12)
		far := answer(two, "ada", 70)
		answer(two, "bob", 10)
		answer(two, "carl", 11)
		if _, err := e.s.Claim(ctx, ada, b.ID, far); !problem.Is(err, problem.Conflict) || !strings.Contains(err.Error(), "boxes") {
			t.Errorf("a box far from the others: %v", err)
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, near); err != nil {
			t.Fatalf("a box the consensus keeps: %v", err)
		}
	})
}
