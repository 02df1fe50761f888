package bounty_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// fakeRecordings stands in for action.Service.Open: each recording starts
// at the URL the test gave it, and only its recorder opens it.
type fakeRecordings struct {
	mu     sync.Mutex
	starts map[string]string
	owners map[string]int64
	// visits are pages a recording goes to after its start.
	visits map[string][]string
}

func (f *fakeRecordings) Open(_ context.Context, viewer member.Member, id string) (action.Recording, recording.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.owners[id] != viewer.ID {
		return action.Recording{}, recording.Recording{}, problem.New(problem.NotFound, "no such recording")
	}
	steps := []recording.Step{{Type: "setViewport"}, {Type: recording.StepNavigate, URL: f.starts[id]}}
	for _, u := range f.visits[id] {
		steps = append(steps, recording.Step{Type: "click", AssertedEvents: []recording.AssertedEvent{{Type: "navigation", URL: u}}})
	}
	return action.Recording{ID: id}, recording.Recording{Steps: steps}, nil
}

type env struct {
	db      *store.DB
	s       *bounty.Service
	r       *reward.Service
	recs    *fakeRecordings
	now     time.Time
	members map[string]member.Member
	n       int
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	l := ledger.New(db)
	e := &env{db: db, r: reward.NewService(db, l), recs: &fakeRecordings{starts: map[string]string{}, owners: map[string]int64{}, visits: map[string][]string{}},
		now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), members: map[string]member.Member{}}
	e.s = bounty.NewService(db, e.r, e.recs)
	e.s.SetClock(func() time.Time { return e.now })
	for _, who := range []string{"rita", "ada", "bob", "stella", "carl"} {
		role := member.RoleMember
		switch who {
		case "rita":
			role = member.RoleRequester
		case "stella":
			role = member.RoleSteward
		}
		var id int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', $4, 0) RETURNING id`,
				"m-"+who, who+"@example.org", who, string(role)).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		e.members[who] = member.Member{ID: id, PublicID: "m-" + who, Role: role}
	}
	return e
}

// recording stores a recording of who's, in status, made now, starting
// at start.
func (e *env) recording(t *testing.T, who, status, start string) string {
	t.Helper()
	e.n++
	id := fmt.Sprintf("rec-%d", e.n)
	m := e.members[who]
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), `INSERT INTO recordings (public_id, member_id, title, steps, status, created_at) VALUES ($1, $2, 'Track a parcel', 6, $3, $4)`,
			id, m.ID, status, e.now.UnixMilli())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.recs.mu.Lock()
	e.recs.starts[id], e.recs.owners[id] = start, m.ID
	e.recs.mu.Unlock()
	return id
}

func (e *env) balance(t *testing.T, account string) int64 {
	t.Helper()
	b, err := e.r.Balance(t.Context(), account)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parcelTerms is a bounty for recordings of the practice task: 150 points
// a recording, two per member, 500 points in all, for a week.
func (e *env) parcelTerms() bounty.Terms {
	return bounty.Terms{Kind: bounty.Recordings, Title: "Parcel tracking recordings", Terms: "Look up a parcel on the practice tracker, start to finish.",
		Site: "/practice/parcel", Reward: 150, CapPerMember: 2, Budget: 500, Deadline: e.now.Add(7 * 24 * time.Hour)}
}

func wantProblem(t *testing.T, err error, kind problem.Kind, field string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != kind {
		t.Fatalf("got %v, want a %s problem", err, kind)
	}
	if field != "" && p.Fields[field] == "" {
		t.Fatalf("%v names no field %q", err, field)
	}
}

const practice = "http://127.0.0.1:1/practice/parcel"

// TestBountyFundClaimClose is a bounty's life: funded into escrow, units
// claimed and paid to the cap, a unit claimed once, the rest refunded once
// at close, every claim after refused.
func TestBountyFundClaimClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada, bob, stella := e.members["rita"], e.members["ada"], e.members["bob"], e.members["stella"]

		if _, err := e.s.Create(ctx, ada, e.parcelTerms()); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member funds a bounty: %v", err)
		}
		before := e.recording(t, "ada", "verified", practice) // made before the bounty opened
		e.now = e.now.Add(time.Minute)
		b, err := e.s.Create(ctx, rita, e.parcelTerms())
		if err != nil {
			t.Fatal(err)
		}
		if b.Left != 500 || b.Budget != 500 || b.Status != "open" || b.Funder != "m-rita" || b.Verifier == "" {
			t.Fatalf("the new bounty: %+v", b)
		}
		if got := e.balance(t, reward.FundingAccount("m-rita")); got != -500 {
			t.Fatalf("rita's funding account holds %d, want -500", got)
		}
		e.now = e.now.Add(time.Minute)

		a1 := e.recording(t, "ada", "verified", practice+"?from=home")
		a2 := e.recording(t, "ada", "verified", practice)
		a3 := e.recording(t, "ada", "verified", practice)
		elsewhere := e.recording(t, "ada", "verified", "https://shop.example/practice/parcelling")
		doubted := e.recording(t, "ada", "review", practice)
		b1 := e.recording(t, "bob", "verified", practice)
		b2 := e.recording(t, "bob", "verified", practice)

		eligible, err := e.s.Eligible(ctx, ada, b.ID)
		if err != nil || strings.Join(eligible, ",") != strings.Join([]string{a1, a2, a3}, ",") {
			t.Fatalf("ada's eligible recordings: %v %v", eligible, err)
		}
		refusals := []struct {
			name string
			who  member.Member
			unit string
			kind problem.Kind
		}{
			{"someone else's recording", bob, a1, problem.NotFound},
			{"no such recording", ada, "rec-none", problem.NotFound},
			{"made before the bounty", ada, before, problem.Conflict},
			{"another site", ada, elsewhere, problem.Conflict},
			{"not verified yet", ada, doubted, problem.Conflict},
		}
		for _, r := range refusals {
			if _, err := e.s.Claim(ctx, r.who, b.ID, r.unit); !problem.Is(err, r.kind) {
				t.Errorf("%s: got %v, want %s", r.name, err, r.kind)
			}
		}
		paid, err := e.s.ClaimEligible(ctx, ada, b.ID)
		if err != nil || len(paid) != 2 || paid[0].Unit != a1 || paid[1].Unit != a2 {
			t.Fatalf("ada claims her eligible units: %+v %v", paid, err)
		}
		// The cap: ada's third is refused.
		_, err = e.s.Claim(ctx, ada, b.ID, a3)
		wantProblem(t, err, problem.Conflict, "")
		if !strings.Contains(err.Error(), "cap") {
			t.Errorf("the cap's refusal says %q", err)
		}
		// A unit pays once.
		_, err = e.s.Claim(ctx, ada, b.ID, a1)
		wantProblem(t, err, problem.Conflict, "")
		if _, err := e.s.Claim(ctx, bob, b.ID, b1); err != nil {
			t.Fatal(err)
		}
		// 500 − 3 × 150 = 50 left: less than a unit, so bob's second is
		// refused rather than overdrawing the escrow.
		_, err = e.s.Claim(ctx, bob, b.ID, b2)
		wantProblem(t, err, problem.Conflict, "")
		if !strings.Contains(err.Error(), "escrow") {
			t.Errorf("the overdraw's refusal says %q", err)
		}
		if got := e.balance(t, "member:m-ada"); got != 300 {
			t.Errorf("ada was paid %d, want 300", got)
		}
		if got := e.balance(t, "member:m-bob"); got != 150 {
			t.Errorf("bob was paid %d, want 150", got)
		}
		mine, err := e.s.Claims(ctx, ada, b.ID)
		if err != nil || len(mine) != 2 {
			t.Fatalf("ada's claims: %+v %v", mine, err)
		}

		// Closing: not bob's to do; the funder closes it, the 50 left go
		// back once; a second close and any claim are refused.
		if _, err := e.s.Close(ctx, bob, b.ID); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("bob closes rita's bounty: %v", err)
		}
		closed, err := e.s.Close(ctx, rita, b.ID)
		if err != nil || closed.Status != "closed" || closed.Refund != 50 || closed.Left != 0 || closed.Paid != 3 || closed.PaidPoints != 450 {
			t.Fatalf("closed: %+v %v", closed, err)
		}
		if got := e.balance(t, reward.FundingAccount("m-rita")); got != -450 {
			t.Errorf("rita's funding account holds %d after the refund, want -450", got)
		}
		if _, err := e.s.Close(ctx, stella, b.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("closing twice: %v", err)
		}
		if _, err := e.s.Claim(ctx, bob, b.ID, b2); !problem.Is(err, problem.Conflict) {
			t.Errorf("a claim on a closed bounty: %v", err)
		}
		if got := e.balance(t, reward.FundingAccount("m-rita")); got != -450 {
			t.Errorf("a second close moved money: %d", got)
		}
		var refunds int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = $1`, string(ledger.BountyRefunded)).Scan(&refunds); err != nil || refunds != 1 {
			t.Errorf("%d refund events (%v), want 1", refunds, err)
		}
	})
}

// TestBountyUnitPaysOnce: the same unit claimed at the same time through
// two bounties is paid once; the other claim is refused.
func TestBountyUnitPaysOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada := e.members["rita"], e.members["ada"]
		one, err := e.s.Create(ctx, rita, e.parcelTerms())
		if err != nil {
			t.Fatal(err)
		}
		two, err := e.s.Create(ctx, e.members["stella"], e.parcelTerms())
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Second)
		rec := e.recording(t, "ada", "verified", practice)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range []int64{one.ID, two.ID} {
			wg.Go(func() { _, errs[i] = e.s.Claim(ctx, ada, id, rec) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !problem.Is(err, problem.Conflict) {
				t.Errorf("the losing claim: %v", err)
			}
		}
		if ok != 1 || e.balance(t, "member:m-ada") != 150 {
			t.Fatalf("%d claims passed, ada holds %d: %v", ok, e.balance(t, "member:m-ada"), errs)
		}
	})
}

// TestBountyTermsAreChecked: every bad term is named, and nothing is
// funded for a refused bounty.
func TestBountyTermsAreChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita := e.members["rita"]
		cases := []struct {
			field string
			edit  func(*bounty.Terms)
		}{
			{"kind", func(b *bounty.Terms) { b.Kind = "gold" }},
			{"site", func(b *bounty.Terms) { b.Site = "" }},
			{"site", func(b *bounty.Terms) { b.Site = "javascript:alert(1)" }},
			{"datanet", func(b *bounty.Terms) { b.Kind = bounty.Records }},
			{"datanet", func(b *bounty.Terms) { b.Kind, b.Datanet = bounty.Records, "nowhere" }},
			{"project", func(b *bounty.Terms) { b.Kind, b.Project = bounty.Annotation, "nowhere" }},
			{"title", func(b *bounty.Terms) { b.Title = " " }},
			{"title", func(b *bounty.Terms) { b.Title = "a\u202Eb" }},
			{"terms", func(b *bounty.Terms) { b.Terms = strings.Repeat("x", bounty.MaxTerms+1) }},
			{"reward", func(b *bounty.Terms) { b.Reward = 0 }},
			{"reward", func(b *bounty.Terms) { b.Reward = -1 }},
			{"reward", func(b *bounty.Terms) { b.Reward = bounty.MaxReward + 1 }},
			{"budget", func(b *bounty.Terms) { b.Budget = bounty.MaxBudget + 1 }},
			{"budget", func(b *bounty.Terms) { b.Budget = 100 }}, // less than one reward
			{"budget", func(b *bounty.Terms) { b.Budget = -9_223_372_036_854_775_807 }},
			{"cap_per_member", func(b *bounty.Terms) { b.CapPerMember = 0 }},
			{"deadline", func(b *bounty.Terms) { b.Deadline = e.now.Add(time.Minute) }},
			{"deadline", func(b *bounty.Terms) { b.Deadline = e.now.Add(2 * 366 * 24 * time.Hour) }},
			{"deadline", func(b *bounty.Terms) { b.Deadline = time.Time{} }},
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
		list, _, err := e.s.List(ctx, bounty.Filter{}, store.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("refused bounties are listed: %v %v", list, err)
		}
	})
}

// TestBountyDeadline: after the deadline no claim passes, and the chore
// closes the bounty and refunds its rest — once, however often it runs.
func TestBountyDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		b, err := e.s.Create(ctx, e.members["rita"], e.parcelTerms())
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Hour)
		rec := e.recording(t, "ada", "verified", practice)
		if n, err := e.s.CloseDue(ctx); err != nil || n != 0 {
			t.Fatalf("closing before the deadline: %d %v", n, err)
		}
		e.now = b.Deadline
		if _, err := e.s.Claim(ctx, e.members["ada"], b.ID, rec); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a claim at the deadline: %v", err)
		}
		for want := range []int{1, 0} {
			n, err := e.s.CloseDue(ctx)
			if err != nil || n != 1-want {
				t.Fatalf("the chore closed %d (%v), want %d", n, err, 1-want)
			}
		}
		got, err := e.s.Get(ctx, b.ID)
		if err != nil || got.Status != "closed" || got.Refund != 500 || e.balance(t, reward.FundingAccount("m-rita")) != 0 {
			t.Fatalf("after the deadline: %+v %v", got, err)
		}
		open, _, err := e.s.List(ctx, bounty.Filter{Status: "open"}, store.Page{})
		if err != nil || len(open) != 0 {
			t.Fatalf("open bounties after the deadline: %v %v", open, err)
		}
	})
}

// TestBountyRecordsAndTasks: record bounties pay accepted records of their
// datanet only, annotation bounties accepted tasks of their project only.
func TestBountyRecordsAndTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rita, ada := e.members["rita"], e.members["ada"]
		exec := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&id) }); err != nil {
				t.Fatal(err)
			}
			return id
		}
		datanet := func(slug string) int64 {
			return exec(`INSERT INTO datanets (slug, name, domain, client, purpose, licence, record_kind, status, created_by, created_at) VALUES ($1, $1, 'd', 'c', 'p', 'CC-BY-4.0', 'text', 'open', $2, 0)`, slug, rita.ID)
		}
		wanted, other := datanet("wanted"), datanet("other")
		at := func() int64 { e.now = e.now.Add(time.Second); return e.now.UnixMilli() }
		record := func(id string, dn int64, status string) string {
			exec(`INSERT INTO contributions (public_id, datanet_id, member_id, status, dna, size, created_at) VALUES ($1, $2, $3, $4, $1, 1, $5)`, id, dn, ada.ID, status, at())
			return id
		}
		b, err := e.s.Create(ctx, rita, bounty.Terms{Kind: bounty.Records, Title: "Questions", Terms: "Accepted records.", Datanet: "wanted",
			Reward: 10, CapPerMember: 5, Budget: 100, Deadline: e.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		good, elsewhere, dup := record("c-good", wanted, "accepted"), record("c-else", other, "accepted"), record("c-dup", wanted, "duplicate")
		if _, err := e.s.Claim(ctx, ada, b.ID, elsewhere); !problem.Is(err, problem.Conflict) {
			t.Errorf("a record of another datanet: %v", err)
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, dup); !problem.Is(err, problem.Conflict) {
			t.Errorf("a duplicate record: %v", err)
		}
		if got, err := e.s.Eligible(ctx, ada, b.ID); err != nil || len(got) != 1 || got[0] != good {
			t.Errorf("eligible records: %v %v", got, err)
		}
		if _, err := e.s.Claim(ctx, ada, b.ID, good); err != nil {
			t.Fatal(err)
		}
		list, _, err := e.s.List(ctx, bounty.Filter{Datanet: "wanted"}, store.Page{})
		if err != nil || len(list) != 1 || list[0].Paid != 1 || list[0].Left != 90 {
			t.Fatalf("the datanet's bounties: %+v %v", list, err)
		}

		project := exec(`INSERT INTO projects (slug, name, client, purpose, task_type, labels, instructions, redundancy, pay_per_task, status, requester_id, created_at)
			VALUES ('boxes', 'Boxes', 'c', 'p', 'bounding_box', '["box"]', 'i', 1, 10, 'approved', $1, 0)`, rita.ID)
		item := exec(`INSERT INTO items (project_id, blob, media_type, name, width, height, created_at) VALUES ($1, 'b1', 'image/png', 'one', 10, 10, 0)`, project)
		item2 := exec(`INSERT INTO items (project_id, blob, media_type, name, width, height, created_at) VALUES ($1, 'b2', 'image/png', 'two', 10, 10, 0)`, project)
		tb, err := e.s.Create(ctx, rita, bounty.Terms{Kind: bounty.Annotation, Title: "Boxes", Terms: "Accepted boxes.", Project: "boxes",
			Reward: 10, CapPerMember: 5, Budget: 100, Deadline: e.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		task := func(itemID int64, status string) string {
			id := exec(`INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at, submitted_at) VALUES ($1, $2, $3, 'task', $4, $5, $5, $5)`,
				project, itemID, ada.ID, status, at())
			return fmt.Sprint(id)
		}
		paid, waiting := task(item, "paid"), task(item2, "submitted")
		if _, err := e.s.Claim(ctx, ada, tb.ID, waiting); !problem.Is(err, problem.Conflict) {
			t.Errorf("a task not accepted yet: %v", err)
		}
		if _, err := e.s.Claim(ctx, ada, tb.ID, "not-a-number"); !problem.Is(err, problem.NotFound) {
			t.Errorf("a task id that is no number: %v", err)
		}
		if got, err := e.s.ClaimEligible(ctx, ada, tb.ID); err != nil || len(got) != 1 || got[0].Unit != paid {
			t.Fatalf("claim eligible tasks: %+v %v", got, err)
		}
		if _, err := e.s.ClaimEligible(ctx, ada, tb.ID); !problem.Is(err, problem.Conflict) {
			t.Errorf("claiming again with nothing eligible: %v", err)
		}
		if got := e.balance(t, "member:m-ada"); got != 20 {
			t.Errorf("ada holds %d, want 20", got)
		}
	})
}

// TestBountyCapHoldsUnderConcurrentClaims: a member claiming five units at
// once with a cap of two is paid for two; the escrow pays no more than it
// holds either.
func TestBountyCapHoldsUnderConcurrentClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		terms := e.parcelTerms()
		terms.Budget = 1000
		b, err := e.s.Create(ctx, e.members["rita"], terms)
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Second)
		var units []string
		for range 5 {
			units = append(units, e.recording(t, "ada", "verified", practice))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(units))
		for i, u := range units {
			wg.Go(func() { _, errs[i] = e.s.Claim(ctx, e.members["ada"], b.ID, u) })
		}
		wg.Wait()
		paid := 0
		for _, err := range errs {
			if err == nil {
				paid++
			} else if !problem.Is(err, problem.Conflict) {
				t.Errorf("a refused claim: %v", err)
			}
		}
		if paid != 2 || e.balance(t, "member:m-ada") != 300 || e.balance(t, bounty.EscrowAccount(b.ID)) != 700 {
			t.Fatalf("%d claims paid, ada holds %d, the escrow %d", paid, e.balance(t, "member:m-ada"), e.balance(t, bounty.EscrowAccount(b.ID)))
		}
	})
}
