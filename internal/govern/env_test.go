package govern_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// env is a cooperative of named members (m-<name>, <name>@example.org)
// with governance and a clock the test moves.
type env struct {
	db     *store.DB
	g      *govern.Service
	r      *reward.Service
	params *coop.Params
	ids    map[string]int64
	now    time.Time
}

func newEnv(t *testing.T, db *store.DB, names ...string) *env {
	t.Helper()
	l := ledger.New(db)
	e := &env{db: db, r: reward.NewService(db, l), params: coop.New(db), ids: map[string]int64{},
		now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	e.g = govern.NewService(db, l, e.params)
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

// steward closes the epochs that issue the shares.
var steward = member.Member{PublicID: "m-stella", Role: member.RoleSteward}

// giveShares pays each member 100 points per share for work and closes
// an epoch, so that they hold the shares the way members really get them.
func (e *env) giveShares(t *testing.T, shares map[string]int64) {
	t.Helper()
	ctx := t.Context()
	if _, _, err := e.r.CloseEpoch(ctx, steward, e.params, e.now); err != nil { // opens the first epoch, or closes an empty one
		t.Fatal(err)
	}
	for name, n := range shares {
		err := e.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := e.r.Transfer(ctx, tx, ledger.Event{Type: ledger.TaskPaid, Scope: "project:1", Postings: []ledger.Posting{
				{Account: "funding:requester:m-rita", Amount: -100 * n}, {Account: reward.MemberAccount("m-" + name), Amount: 100 * n}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := e.r.CloseEpoch(ctx, steward, e.params, e.now); err != nil || !ok {
		t.Fatalf("close epoch: %v, %v", ok, err)
	}
	for name, n := range shares {
		if got, _ := e.r.Shares(ctx, e.ids[name]); got != n {
			t.Fatalf("%s holds %d shares, want %d", name, got, n)
		}
	}
}

// draft is a valid advisory proposal open for a week from now.
func (e *env) draft(mode govern.Mode, labels ...string) govern.Draft {
	d := govern.Draft{Title: "Weekly call", Text: "Should we hold a weekly members' call?", Mode: mode, Quorum: 0.5,
		ClosesAt: e.now.Add(7 * 24 * time.Hour)}
	for _, l := range labels {
		d.Options = append(d.Options, govern.Option{Label: l})
	}
	return d
}

func (e *env) propose(t *testing.T, d govern.Draft) govern.Proposal {
	t.Helper()
	p, err := e.g.Create(t.Context(), e.ids["ada"], d, e.now)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return p
}

func (e *env) vote(t *testing.T, name string, p govern.Proposal, option int) govern.Vote {
	t.Helper()
	v, err := e.g.Vote(t.Context(), e.ids[name], p.ID, option, e.now)
	if err != nil {
		t.Fatalf("%s votes %d: %v", name, option, err)
	}
	return v
}

// decide moves the clock past the proposal's window and decides.
func (e *env) decide(t *testing.T, p govern.Proposal) govern.Proposal {
	t.Helper()
	e.now = p.ClosesAt
	if _, err := e.g.Decide(t.Context(), e.now); err != nil {
		t.Fatal(err)
	}
	got, err := e.g.Get(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func ptr(v int64) *int64 { return &v }
