package reward_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// payoutCoop is a steward and two members, ada holding 1,000 points.
func payoutCoop(t *testing.T, db *store.DB) (s *reward.Service, stella, ada, bob member.Member) {
	t.Helper()
	ctx := t.Context()
	l := ledger.New(db)
	members := member.NewService(db, l)
	stella, err := members.Found(ctx, "stella@example.org", "Stella", "correct horse battery", member.RoleSteward)
	if err != nil {
		t.Fatal(err)
	}
	var ms []member.Member
	for _, name := range []string{"ada", "bob"} {
		inv, err := members.Invite(ctx, stella, member.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		m, err := members.SignUp(ctx, member.SignUp{Code: inv.Code, Email: name + "@example.org", Name: name, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	s = reward.NewService(db, l)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.EscrowFunded, Scope: "project:1", Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -1000}, {Account: "escrow:project:1", Amount: 1000}}})
		if err != nil {
			return err
		}
		_, err = s.Transfer(ctx, tx, ledger.Event{Type: ledger.TaskPaid, MemberID: ms[0].ID, Scope: "project:1",
			Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -1000}, {Account: reward.MemberAccount(ms[0].PublicID), Amount: 1000}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s, stella, ms[0], ms[1]
}

func wantProblem(t *testing.T, err error, kind problem.Kind, field string) {
	t.Helper()
	pr, ok := problem.As(err)
	if !ok || pr.Kind != kind {
		t.Fatalf("got %v, want a %s problem", err, kind)
	}
	if field != "" && pr.Fields[field] == "" {
		t.Fatalf("problem %v names no field %q", err, field)
	}
}

// TestPayoutRequestChecksTheAmount: a request is more than nothing, within
// range, no more than the balance, the member's own, and one at a time;
// a refused one writes nothing.
func TestPayoutRequestChecksTheAmount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, _, ada, bob := payoutCoop(t, db)
		for _, amount := range []int64{0, -5, 1001, reward.MaxPayout + 1} {
			_, err := s.RequestPayout(ctx, ada, ada.PublicID, amount)
			wantProblem(t, err, problem.Invalid, "amount")
		}
		_, err := s.RequestPayout(ctx, bob, ada.PublicID, 10)
		wantProblem(t, err, problem.Forbidden, "")
		_, err = s.RequestPayout(ctx, bob, bob.PublicID, 1)
		wantProblem(t, err, problem.Invalid, "amount") // bob holds nothing
		list, _, err := s.Payouts(ctx, ada, ada.PublicID, store.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("refused requests left %v, %v", list, err)
		}
		p, err := s.RequestPayout(ctx, ada, ada.PublicID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != reward.PayoutRequested || p.Amount != 1000 || p.Member != ada.PublicID {
			t.Fatalf("request = %+v", p)
		}
		_, err = s.RequestPayout(ctx, ada, ada.PublicID, 1)
		wantProblem(t, err, problem.Conflict, "")
		if _, _, err := s.Payouts(ctx, bob, ada.PublicID, store.Page{}); err == nil {
			t.Fatal("bob listed ada's payouts")
		}
	})
}

// TestRecordPayoutMovesTheAmountOut: a steward records a request paid; one
// payout.paid event moves the amount from the member's account to the
// payouts account (postings that sum to zero, naming no one but the
// pseudonym), the balance drops, the queue empties. Members cannot record
// payouts, nor a steward their own, nor anyone twice.
func TestRecordPayoutMovesTheAmountOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, stella, ada, bob := payoutCoop(t, db)
		p, err := s.RequestPayout(ctx, ada, ada.PublicID, 650)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.PendingPayouts(ctx, ada, store.Page{}); err == nil {
			t.Fatal("a member read the stewards' queue")
		}
		queue, _, err := s.PendingPayouts(ctx, stella, store.Page{})
		if err != nil || len(queue) != 1 || queue[0].ID != p.ID {
			t.Fatalf("queue = %v, %v", queue, err)
		}
		_, err = s.RecordPayout(ctx, bob, p.ID)
		wantProblem(t, err, problem.Forbidden, "")
		_, err = s.RecordPayout(ctx, stella, p.ID+100)
		wantProblem(t, err, problem.NotFound, "")
		paid, err := s.RecordPayout(ctx, stella, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if paid.Status != reward.PayoutPaid || paid.EventID == "" || paid.DecidedAt == nil {
			t.Fatalf("paid = %+v", paid)
		}
		if b, _ := s.Balance(ctx, reward.MemberAccount(ada.PublicID)); b != 350 {
			t.Fatalf("ada's balance = %d, want 350", b)
		}
		if b, _ := s.Balance(ctx, reward.PayoutsAccount); b != 650 {
			t.Fatalf("payouts account = %d, want 650", b)
		}
		var typ string
		var entry []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT type, entry FROM ledger_events WHERE event_id = $1`, paid.EventID).Scan(&typ, &entry); err != nil {
			t.Fatal(err)
		}
		e, err := ledger.ParseEntry(entry)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, po := range e.Postings {
			sum += po.Amount
		}
		if typ != string(ledger.PayoutPaid) || sum != 0 || len(e.Postings) != 2 || e.Scope != "" || paid.SelfRecorded {
			t.Fatalf("event %s with postings %v, scope %q (self-recorded: %v)", typ, e.Postings, e.Scope, paid.SelfRecorded)
		}
		for _, personal := range []string{"ada@example.org", `"ada"`} {
			if contains(entry, personal) {
				t.Fatalf("the public entry names %s: %s", personal, entry)
			}
		}
		_, err = s.RecordPayout(ctx, stella, p.ID)
		wantProblem(t, err, problem.Conflict, "")
		if queue, _, _ := s.PendingPayouts(ctx, stella, store.Page{}); len(queue) != 0 {
			t.Fatalf("queue after paying = %v", queue)
		}
		// With two stewards, a steward's own request waits for the other.
		makeSteward(t, db, bob)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -10}, {Account: reward.MemberAccount(stella.PublicID), Amount: 10}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		own, err := s.RequestPayout(ctx, stella, stella.PublicID, 10)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RecordPayout(ctx, stella, own.ID)
		wantProblem(t, err, problem.Forbidden, "")
		if may, err := s.MayRecord(ctx, stella, own); err != nil || may {
			t.Fatalf("stella may record her own payout beside another steward: %v, %v", may, err)
		}
		bob.Role = member.RoleSteward
		if paid, err := s.RecordPayout(ctx, bob, own.ID); err != nil || paid.SelfRecorded {
			t.Fatalf("bob records stella's payout: %+v, %v", paid, err)
		}
	})
}

func makeSteward(t *testing.T, db *store.DB, m member.Member) {
	t.Helper()
	if err := db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), `UPDATE members SET role = 'steward' WHERE id = $1`, m.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestOnlyStewardRecordsOwnPayout: a cooperative with one steward can pay
// that steward — they record their own payout as paid, and the ledger
// event says in public that it was self-recorded (its scope), as their
// list does — while a member who is no steward records nothing, and once
// a second steward exists the first's next request waits for the second.
func TestOnlyStewardRecordsOwnPayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, stella, ada, bob := payoutCoop(t, db)
		fund := func(m member.Member, amount int64) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.FundsDeposited, Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -amount}, {Account: reward.MemberAccount(m.PublicID), Amount: amount}}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		fund(stella, 500)
		own, err := s.RequestPayout(ctx, stella, stella.PublicID, 300)
		if err != nil {
			t.Fatal(err)
		}
		if may, err := s.MayRecord(ctx, stella, own); err != nil || !may {
			t.Fatalf("the only steward may not record her own payout: %v, %v", may, err)
		}
		if may, _ := s.MayRecord(ctx, ada, own); may {
			t.Fatal("a member may record a payout")
		}
		_, err = s.RecordPayout(ctx, ada, own.ID)
		wantProblem(t, err, problem.Forbidden, "")
		paid, err := s.RecordPayout(ctx, stella, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !paid.SelfRecorded || paid.Status != reward.PayoutPaid {
			t.Fatalf("paid = %+v", paid)
		}
		var entry []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT entry FROM ledger_events WHERE event_id = $1`, paid.EventID).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		e, err := ledger.ParseEntry(entry)
		if err != nil {
			t.Fatal(err)
		}
		if e.Scope != reward.SelfRecordedScope || e.Member != stella.PublicID || len(e.Postings) != 2 || e.Postings[0].Amount+e.Postings[1].Amount != 0 {
			t.Fatalf("the public entry of a self-recorded payout: %+v", e)
		}
		if contains(entry, "stella@example.org") || contains(entry, "Stella") {
			t.Fatalf("the public entry names the steward: %s", entry)
		}
		if b, _ := s.Balance(ctx, reward.MemberAccount(stella.PublicID)); b != 200 {
			t.Fatalf("stella's balance = %d, want 200", b)
		}
		list, _, err := s.Payouts(ctx, stella, stella.PublicID, store.Page{})
		if err != nil || len(list) != 1 || !list[0].SelfRecorded {
			t.Fatalf("stella's payouts: %+v, %v", list, err)
		}
		// Ada's payout, recorded by stella, is not self-recorded.
		theirs, err := s.RequestPayout(ctx, ada, ada.PublicID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if paid, err := s.RecordPayout(ctx, stella, theirs.ID); err != nil || paid.SelfRecorded {
			t.Fatalf("ada's payout: %+v, %v", paid, err)
		}
		// A second steward: stella's next request waits for bob.
		makeSteward(t, db, bob)
		next, err := s.RequestPayout(ctx, stella, stella.PublicID, 100)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RecordPayout(ctx, stella, next.ID)
		wantProblem(t, err, problem.Forbidden, "")
	})
}

// TestRecordPayoutRefusesAnOverdraft: a balance spent after the request
// leaves the payout unpaid, refused as a conflict naming the amount, and
// nothing written; the member may cancel and ask again.
func TestRecordPayoutRefusesAnOverdraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, stella, ada, bob := payoutCoop(t, db)
		p, err := s.RequestPayout(ctx, ada, ada.PublicID, 900)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { // ada spends 200 on something
			_, err := s.Transfer(ctx, tx, ledger.Event{Type: ledger.RunEscrowed, Postings: []ledger.Posting{{Account: reward.MemberAccount(ada.PublicID), Amount: -200}, {Account: "treasury", Amount: 200}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		before := stateOf(t, db, s, reward.MemberAccount(ada.PublicID), reward.PayoutsAccount)
		_, err = s.RecordPayout(ctx, stella, p.ID)
		wantProblem(t, err, problem.Conflict, "amount")
		if after := stateOf(t, db, s, reward.MemberAccount(ada.PublicID), reward.PayoutsAccount); !before.equal(after) {
			t.Fatalf("a refused payout changed the ledger: %+v → %+v", before, after)
		}
		if err := s.CancelPayout(ctx, bob, p.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob cancelled ada's request: %v", err)
		}
		if err := s.CancelPayout(ctx, ada, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestPayout(ctx, ada, ada.PublicID, 800); err != nil {
			t.Fatalf("asking again after cancelling: %v", err)
		}
	})
}

// TestIncomeByKind: payments are counted by where they came from;
// deposits, refunds and payouts are no income.
func TestIncomeByKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := reward.NewService(db, ledger.New(db))
		a := "member:m-a"
		pay := func(typ ledger.Type, scope string, amount int64) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.Transfer(ctx, tx, ledger.Event{Type: typ, Scope: scope, Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -amount}, {Account: a, Amount: amount}}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		pay(ledger.TaskPaid, "project:1", 100)
		pay(ledger.TaskPaid, "project:2", 50)
		pay(ledger.RecordingPaid, "recording:7", 20)
		pay(ledger.RewardSplit, "model:3", 7)
		pay(ledger.RewardSplit, "automation:x", 3)
		pay(ledger.BountyPaid, "bounty:4", 11)
		pay(ledger.BountyRefunded, "bounty:4", 60)
		pay(ledger.ContributionPaid, "datanet:2", 5)
		pay(ledger.FundsDeposited, "", 1000)
		pay(ledger.RunRefunded, "automation:x", 40)
		got, err := s.IncomeOf(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		want := map[reward.IncomeKind]int64{reward.IncomeAnnotation: 150, reward.IncomeRecordings: 20, reward.IncomeModels: 7, reward.IncomeAutomations: 3, reward.IncomeBounties: 11, reward.IncomeRecords: 5}
		if len(got) != len(reward.IncomeKinds) {
			t.Fatalf("income = %v, want every kind", got)
		}
		for _, in := range got {
			if in.Amount != want[in.Kind] {
				t.Errorf("%s: %d, want %d", in.Kind, in.Amount, want[in.Kind])
			}
		}
	})
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// Requests sent at the same moment leave one waiting; the others are told
// one waits (a conflict), never a server error.
func TestPayoutRequestsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, stella, ada, _ := payoutCoop(t, db)
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				_, err := s.RequestPayout(t.Context(), ada, ada.PublicID, 100)
				errs <- err
			}()
		}
		ok := 0
		for range 8 {
			err := <-errs
			if err == nil {
				ok++
				continue
			}
			if !problem.Is(err, problem.Conflict) {
				t.Errorf("a request at the same moment: %v", err)
			}
		}
		waiting, err := s.PendingPayoutCount(t.Context(), stella)
		if ok != 1 || err != nil || waiting != 1 {
			t.Fatalf("%d requests accepted, %d waiting (%v); want one", ok, waiting, err)
		}
		if _, err := s.PendingPayoutCount(t.Context(), ada); !problem.Is(err, problem.Forbidden) {
			t.Errorf("a member counted the payout requests: %v", err)
		}
	})
}
