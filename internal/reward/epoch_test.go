package reward_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// epochEnv is a cooperative with members and a way to pay them.
type epochEnv struct {
	db     *store.DB
	r      *reward.Service
	params *coop.Params
	ids    map[string]int64
}

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func newEpochEnv(t *testing.T, db *store.DB, names ...string) *epochEnv {
	t.Helper()
	e := &epochEnv{db: db, r: reward.NewService(db, ledger.New(db)), params: coop.New(db), ids: map[string]int64{}}
	for _, name := range names {
		var id int64
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', 'member', 0) RETURNING id`,
				"m-"+name, name+"@example.org", name).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		e.ids[name] = id
	}
	return e
}

// move records one transfer of amount from one account to another.
func (e *epochEnv) move(t *testing.T, typ ledger.Type, from, to string, amount int64) {
	t.Helper()
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := e.r.Transfer(t.Context(), tx, ledger.Event{Type: typ, Scope: "project:1",
			Postings: []ledger.Posting{{Account: from, Amount: -amount}, {Account: to, Amount: amount}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pay pays a member from outside the cooperative.
func (e *epochEnv) pay(t *testing.T, typ ledger.Type, name string, amount int64) {
	t.Helper()
	e.move(t, typ, "funding:requester:m-rita", reward.MemberAccount("m-"+name), amount)
}

func (e *epochEnv) close(t *testing.T, now time.Time) (reward.Epoch, bool) {
	t.Helper()
	ep, ok, err := e.r.CloseEpoch(t.Context(), steward, e.params, now)
	if err != nil {
		t.Fatal(err)
	}
	return ep, ok
}

func (e *epochEnv) shares(t *testing.T, name string) int64 {
	t.Helper()
	n, err := e.r.Shares(t.Context(), e.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := e.r.Balance(t.Context(), reward.SharesAccount("m-"+name)); b != n {
		t.Fatalf("Shares(%s) = %d, but the account holds %d", name, n, b)
	}
	return n
}

func (e *epochEnv) count(t *testing.T, typ ledger.Type) int {
	t.Helper()
	var n int
	if err := e.db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, string(typ)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCloseEpochConvertsPointsByRule: only positive postings of task.paid
// and reward.split to member accounts count as points; a member's own
// spending does not reduce them; shares are points / 100 rounded down;
// each share issue is a shares.issued event that balances and names the
// member by pseudonym only.
func TestCloseEpochConvertsPointsByRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada", "bob", "carol", "dan", "erin")
		if _, ok := e.close(t, t0); ok {
			t.Fatal("the first call closed an epoch; it should only open the first")
		}
		e.pay(t, ledger.TaskPaid, "ada", 100)
		e.pay(t, ledger.TaskPaid, "ada", 150)
		e.pay(t, ledger.RewardSplit, "bob", 99)
		e.pay(t, ledger.TaskPaid, "carol", 1000)
		e.move(t, ledger.RewardSplit, reward.MemberAccount("m-carol"), reward.Treasury, 400) // carol spends
		e.pay(t, ledger.EscrowFunded, "dan", 500)                                            // not earned by work
		e.pay(t, ledger.BountyPaid, "erin", 200)                                             // wanted work a funder paid for
		e.pay(t, ledger.ContributionPaid, "erin", 100)                                       // a record a curator accepted

		closed, ok := e.close(t, t0.Add(30*24*time.Hour))
		if !ok {
			t.Fatal("the second call did not close the epoch")
		}
		want := reward.Epoch{ID: 1, StartedAt: t0, ClosedAt: t0.Add(30 * 24 * time.Hour),
			Rule: "1 share per 100 points earned in the epoch, rounded down", Points: 250 + 99 + 1000 + 300, Shares: 2 + 10 + 3}
		if closed != want {
			t.Fatalf("closed epoch = %+v, want %+v", closed, want)
		}
		stored, _ := e.r.Epochs(t.Context(), 10)
		if len(stored) != 2 || stored[1] != want || !stored[0].Open() || stored[0].ID != 2 || !stored[0].StartedAt.Equal(want.ClosedAt) {
			t.Fatalf("epochs = %+v", stored)
		}

		for _, tc := range []struct {
			name           string
			points, shares int64
			row            bool
		}{
			{"ada", 250, 2, true},
			{"bob", 99, 0, true},
			{"carol", 1000, 10, true},
			{"dan", 0, 0, false},
			{"erin", 300, 3, true},
		} {
			if got := e.shares(t, tc.name); got != tc.shares {
				t.Errorf("%s holds %d shares, want %d", tc.name, got, tc.shares)
			}
			hist, _, err := e.r.MemberEpochs(t.Context(), e.ids[tc.name], store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 1 || hist[0].Points != tc.points || hist[0].Shares != tc.shares || (hist[0].EventID != "") != (tc.shares > 0) {
				t.Errorf("%s's history = %+v, want %d points, %d shares", tc.name, hist, tc.points, tc.shares)
			}
			var rows int
			db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM epoch_shares WHERE member_id = $1`, e.ids[tc.name]).Scan(&rows)
			if (rows == 1) != tc.row {
				t.Errorf("%s has %d epoch_shares rows", tc.name, rows)
			}
		}

		rows, err := db.Read().QueryContext(t.Context(), `SELECT entry, content FROM ledger_events WHERE type = $1 ORDER BY seq`, string(ledger.SharesIssued))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var issued []ledger.Entry
		for rows.Next() {
			var raw, content []byte
			if err := rows.Scan(&raw, &content); err != nil {
				t.Fatal(err)
			}
			entry, err := ledger.ParseEntry(raw)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "@") || strings.Contains(string(raw), "example.org") {
				t.Errorf("entry leaks an e-mail address: %s", raw)
			}
			var c struct {
				Points int64  `json:"points"`
				Shares int64  `json:"shares"`
				Rule   string `json:"rule"`
			}
			if err := json.Unmarshal(content, &c); err != nil || c.Rule != want.Rule || c.Shares != c.Points/100 {
				t.Errorf("content %s: %v", content, err)
			}
			issued = append(issued, entry)
		}
		if len(issued) != 3 {
			t.Fatalf("%d shares.issued events, want 3 (ada, carol, erin)", len(issued))
		}
		for i, who := range []string{"m-ada", "m-carol", "m-erin"} {
			en := issued[i]
			var sum int64
			for _, p := range en.Postings {
				sum += p.Amount
			}
			if en.Member != who || en.Scope != "epoch:1" || sum != 0 || len(en.Postings) != 2 ||
				en.Postings[0].Account != reward.SharesIssue || en.Postings[1].Account != reward.SharesAccount(who) {
				t.Errorf("event %d = %+v", i, en)
			}
		}
	})
}

// TestCloseEpochCountsPointsOnce: closing again with no new points issues
// nothing; points earned later count in the epoch that follows, and the
// remainder below a share is not carried over (the rule rounds down per
// epoch).
func TestCloseEpochCountsPointsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada")
		e.close(t, t0)
		e.pay(t, ledger.TaskPaid, "ada", 250)
		day := 24 * time.Hour
		steps := []struct {
			pay            int64
			points, shares int64
			total          int64
		}{
			{0, 250, 2, 2},   // epoch 1
			{0, 0, 0, 2},     // epoch 2: nothing new
			{60, 60, 0, 2},   // epoch 3: below a share
			{40, 40, 0, 2},   // epoch 4: the 60 are not carried over
			{100, 100, 1, 3}, // epoch 5
		}
		for i, st := range steps {
			if st.pay > 0 {
				e.pay(t, ledger.TaskPaid, "ada", st.pay)
			}
			pending, err := e.r.PendingPoints(t.Context(), e.ids["ada"])
			if err != nil || pending != st.points {
				t.Fatalf("epoch %d: pending points %d (%v), want %d", i+1, pending, err, st.points)
			}
			before := e.count(t, ledger.SharesIssued)
			closed, ok := e.close(t, t0.Add(time.Duration(i+1)*day))
			if !ok || closed.ID != int64(i+1) || closed.Points != st.points || closed.Shares != st.shares {
				t.Fatalf("epoch %d closed as %+v (%v), want %d points, %d shares", i+1, closed, ok, st.points, st.shares)
			}
			if got := e.count(t, ledger.SharesIssued) - before; got != int(min(st.shares, 1)) {
				t.Fatalf("epoch %d: %d shares.issued events", i+1, got)
			}
			if got := e.shares(t, "ada"); got != st.total {
				t.Fatalf("after epoch %d ada holds %d shares, want %d", i+1, got, st.total)
			}
		}
		hist, _, _ := e.r.MemberEpochs(t.Context(), e.ids["ada"], store.Page{Limit: 100})
		if len(hist) != len(steps) {
			t.Fatalf("history has %d epochs, want %d", len(hist), len(steps))
		}
		for i, h := range hist {
			st := steps[len(steps)-1-i] // newest first
			if h.Points != st.points || h.Shares != st.shares {
				t.Errorf("history[%d] = %+v, want %d points, %d shares", i, h, st.points, st.shares)
			}
		}
	})
}

// TestConcurrentClosesIssueOnce: replicas (or a steward and the job)
// closing at the same moment close one epoch each at most, and the points
// are converted exactly once.
func TestConcurrentClosesIssueOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada", "bob")
		e.close(t, t0)
		e.pay(t, ledger.TaskPaid, "ada", 700)
		e.pay(t, ledger.TaskPaid, "bob", 300)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, _, err := e.r.CloseEpoch(t.Context(), steward, e.params, t0.Add(time.Hour))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if a, b := e.shares(t, "ada"), e.shares(t, "bob"); a != 7 || b != 3 {
			t.Fatalf("ada %d, bob %d shares; want 7 and 3", a, b)
		}
		var open int
		db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM epochs WHERE closed_at IS NULL`).Scan(&open)
		if open != 1 {
			t.Fatalf("%d open epochs", open)
		}
		if n := e.count(t, ledger.SharesIssued); n != 2 {
			t.Fatalf("%d shares.issued events, want 2", n)
		}
	})
}

// TestEpochRuleFollowsTheParameter: the rule in force at the close
// applies and is recorded in words.
func TestEpochRuleFollowsTheParameter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada")
		e.close(t, t0)
		e.pay(t, ledger.TaskPaid, "ada", 250)
		if err := db.InTx(t.Context(), func(tx *store.Tx) error { return e.params.Set(t.Context(), tx, coop.PointsPerShare, 50) }); err != nil {
			t.Fatal(err)
		}
		closed, _ := e.close(t, t0.Add(time.Hour))
		if closed.Shares != 5 || closed.Rule != "1 share per 50 points earned in the epoch, rounded down" {
			t.Fatalf("closed = %+v", closed)
		}
		holdings, err := reward.ShareHoldings(t.Context(), db.Read())
		if err != nil || len(holdings) != 1 || holdings[e.ids["ada"]] != 5 {
			t.Fatalf("holdings = %v (%v)", holdings, err)
		}
	})
}

// steward is whoever closes epochs by hand in these tests.
var steward = member.Member{ID: 1, PublicID: "m-stella", Role: member.RoleSteward}

// TestCloseEpochByHandIsStewards: a member who is not a steward cannot
// close an epoch, whatever door they come through; nothing is opened or
// closed for them.
func TestCloseEpochByHandIsStewards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada")
		e.close(t, t0)
		e.pay(t, ledger.TaskPaid, "ada", 300)
		for _, actor := range []member.Member{
			{ID: e.ids["ada"], PublicID: "m-ada", Role: member.RoleMember},
			{ID: e.ids["ada"], PublicID: "m-ada", Role: member.RoleRequester},
			{}, // nobody
		} {
			if _, ok, err := e.r.CloseEpoch(t.Context(), actor, e.params, t0.Add(time.Hour)); !problem.Is(err, problem.Forbidden) || ok {
				t.Fatalf("%q closes the epoch: %v, %v; want forbidden", actor.Role, ok, err)
			}
		}
		if ep, open, _ := e.r.OpenEpoch(t.Context()); !open || ep.ID != 1 {
			t.Fatalf("open epoch = %+v, %v; the refused closes changed it", ep, open)
		}
		if _, ok := e.close(t, t0.Add(time.Hour)); !ok {
			t.Fatal("the steward could not close the epoch")
		}
		if n := e.shares(t, "ada"); n != 3 {
			t.Fatalf("ada holds %d shares, want 3", n)
		}
	})
}

// TestCloseDueEpoch: the schedule opens the first epoch, leaves an epoch
// open until it has lasted its length, and then closes it once, however
// often it runs.
func TestCloseDueEpoch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEpochEnv(t, db, "ada")
		month := 30 * 24 * time.Hour
		due := func(now time.Time) bool {
			t.Helper()
			_, ok, err := e.r.CloseDueEpoch(t.Context(), e.params, now, month)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if due(t0) {
			t.Fatal("the first scheduled run closed an epoch; it should only open the first")
		}
		if ep, open, _ := e.r.OpenEpoch(t.Context()); !open || ep.ID != 1 || !ep.StartedAt.Equal(t0) {
			t.Fatalf("open epoch = %+v, %v", ep, open)
		}
		e.pay(t, ledger.TaskPaid, "ada", 200)
		for _, after := range []time.Duration{0, time.Hour, month - time.Millisecond} {
			if due(t0.Add(after)) {
				t.Fatalf("the schedule closed the epoch %v after it opened, before its month", after)
			}
		}
		if e.count(t, ledger.SharesIssued) != 0 {
			t.Fatal("shares were issued before the epoch was due")
		}
		if !due(t0.Add(month)) {
			t.Fatal("the schedule did not close the epoch at the end of its month")
		}
		if due(t0.Add(month)) || due(t0.Add(month+time.Hour)) {
			t.Fatal("the schedule closed the next epoch at once")
		}
		if n := e.shares(t, "ada"); n != 2 {
			t.Fatalf("ada holds %d shares, want 2", n)
		}
		if _, _, err := e.r.CloseDueEpoch(t.Context(), e.params, t0, 0); err == nil {
			t.Fatal("an epoch length of 0 was accepted")
		}
		if _, _, err := e.r.CloseEpoch(t.Context(), steward, e.params, t0.Add(-time.Hour)); err == nil {
			t.Fatal("closing an epoch before it started should fail")
		}
	})
}
