package work_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestNoticesOfEveryIncome: a member's news says when they were paid for a
// recording, for their data used by model calls and for automation runs,
// each kind with how many payments and how much, linking to where they see
// it — and the digest says it too, in the currency. A deposit or a refund
// is no news of income, another member's income is not theirs, and after
// "mark as read" only what was paid since is news.
func TestNoticesOfEveryIncome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		pay := func(who string, typ ledger.Type, scope string, amount int64) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.r.Transfer(ctx, tx, ledger.Event{Type: typ, Scope: scope,
					Postings: []ledger.Posting{{Account: "funding:grant:x", Amount: -amount}, {Account: reward.MemberAccount(e.pids[who]), Amount: amount}}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		pay("ada", ledger.RecordingPaid, "recording:7", 20)
		pay("ada", ledger.RewardSplit, "model:3", 7)
		pay("ada", ledger.RewardSplit, "model:3", 5)
		pay("ada", ledger.RewardSplit, "model:4", 1)
		pay("ada", ledger.RewardSplit, "automation:track-parcel", 80)
		pay("ada", ledger.BountyPaid, "bounty:2", 30)
		pay("ada", ledger.BountyPaid, "bounty:3", 12)
		pay("ada", ledger.ContributionPaid, "datanet:5", 9)
		pay("ada", ledger.FundsDeposited, "", 1000)
		pay("ada", ledger.RunRefunded, "automation:x", 40)
		pay("ada", ledger.BountyRefunded, "bounty:2", 400)
		pay("bob", ledger.RecordingPaid, "recording:8", 20)

		income := func(who string) map[reward.IncomeKind]work.Notice {
			t.Helper()
			n, err := e.s.Notices(ctx, e.ids[who])
			if err != nil {
				t.Fatal(err)
			}
			out := map[reward.IncomeKind]work.Notice{}
			for _, x := range n.List {
				if x.Kind == "income" {
					out[x.Income] = x
				}
			}
			return out
		}
		got := income("ada")
		want := map[reward.IncomeKind]struct {
			payments, amount int64
			link             string
		}{
			reward.IncomeRecordings:  {1, 20, "/recordings"},
			reward.IncomeModels:      {3, 13, "/my-data"},
			reward.IncomeAutomations: {1, 80, "/earnings#income-automations"},
			reward.IncomeBounties:    {2, 42, "/bounties"},
			reward.IncomeRecords:     {1, 9, "/contributions"},
		}
		if len(got) != len(want) {
			t.Fatalf("ada's income news: %+v, want recordings, models, automations, bounties and records only", got)
		}
		for k, w := range want {
			if g := got[k]; g.Payments != w.payments || g.Amount != w.amount || g.Link != w.link || g.At.IsZero() {
				t.Errorf("%s news: %+v, want %d payments of %d in all, linking to %s", k, g, w.payments, w.amount, w.link)
			}
		}
		if b := income("bob"); len(b) != 1 || b[reward.IncomeRecordings].Amount != 20 {
			t.Errorf("bob's income news: %+v", b)
		}

		// The digest says each, in the cooperative's currency.
		m := &fakeMailer{}
		e.s.SetMailer(m)
		e.s.SetCurrency(points.Currency{Code: "CHF", Decimals: 2})
		if err := e.s.SetDigest(ctx, e.ids["ada"], true); err != nil {
			t.Fatal(err)
		}
		// The digest covers news since it was turned on, at the work
		// clock: move that clock back behind the payments, as a member who
		// asked for it yesterday.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE notice_marks SET digest_sent_at = 0 WHERE member_id = $1`, e.ids["ada"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.s.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("digest: %d sent, %v", n, err)
		}
		for _, line := range []string{
			"1 recording of yours paid: 0.20 CHF.",
			"Your data or model was used by 3 model calls: 0.13 CHF.",
			"1 run of automations you recorded or taught paid you: 0.80 CHF.",
			"Bounties paid for 2 units of wanted work you delivered: 0.42 CHF.",
			"1 record of yours accepted by a curator paid: 0.09 CHF.",
		} {
			if !strings.Contains(m.sent[0].body, line) {
				t.Errorf("the digest lacks %q:\n%s", line, m.sent[0].body)
			}
		}

		// Read: only what was paid afterwards is news. The work clock is
		// set by the payments' own times, which the ledger stamps.
		first, last := got[reward.IncomeRecordings].At, got[reward.IncomeRecordings].At
		for _, n := range got {
			if n.At.After(last) {
				last = n.At
			}
		}
		e.clock = first.Add(-time.Millisecond)
		if err := e.s.MarkNoticesRead(ctx, e.ids["ada"]); err != nil {
			t.Fatal(err)
		}
		if got := income("ada"); len(got) != 5 {
			t.Fatalf("news marked read just before the payments: %+v", got)
		}
		e.clock = last
		if err := e.s.MarkNoticesRead(ctx, e.ids["ada"]); err != nil {
			t.Fatal(err)
		}
		if got := income("ada"); len(got) != 0 {
			t.Fatalf("after marking read: %+v", got)
		}
	})
}
