package work_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// addWorker adds a member who works.
func (e *env) addWorker(t *testing.T, name string) {
	t.Helper()
	var id int64
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', 'member', 0) RETURNING id`,
			"m-"+name, name+"@example.org", name).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.ids[name], e.pids[name], e.roles[name] = id, "m-"+name, member.RoleMember
}

// TestMeasuredMedianNeedsFiveWorkers: the advertised time per task stays
// the requester's estimate until paid tasks come from five different
// workers; one worker doing many tasks does not make a median.
func TestMeasuredMedianNeedsFiveWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 100, EstSeconds: 20, ReviewHours: 0, Redundancy: 5}, 6, nil, nil)
		for range 5 {
			e.work(t, "ada", p.Slug, 90*time.Second, "positive")
		}
		names := []string{"bob", "w3", "w4", "w5"}
		for i, name := range names {
			if name != "bob" {
				e.addWorker(t, name)
			}
			e.work(t, name, p.Slug, 90*time.Second, "positive")
			got, err := e.s.BySlug(t.Context(), p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			workers := i + 2
			if workers < work.MinMeasuredWorkers && (got.MeasuredSeconds != 0 || got.Seconds() != 20) {
				t.Fatalf("after %d workers: measured %d s, shown %d s; want the 20 s estimate", workers, got.MeasuredSeconds, got.Seconds())
			}
			if workers == work.MinMeasuredWorkers && got.MeasuredSeconds != 90 {
				t.Fatalf("after %d workers: measured %d s, want the median 90 s", workers, got.MeasuredSeconds)
			}
		}
		offers, _, _, err := e.s.Offers(t.Context(), e.ids["bob"], store.Page{})
		if err != nil || len(offers) != 1 || !offers[0].Measured || offers[0].Minutes != 1.5 {
			t.Fatalf("offers %+v, %v: want the measured 1.5 min", offers, err)
		}
	})
}

// TestGiveBack: a returned or skipped task earns nothing, its time is
// recorded as unpaid time of its kind, its item goes to other workers and
// never back to the same one; a qualification question cannot be given
// back, nor a task that is not open.
func TestGiveBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 0, Redundancy: 1}, 2, nil, nil)
		a, err := e.s.Next(ctx, e.ids["ada"], p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		e.advance(20 * time.Second)
		if err := e.s.Heartbeat(ctx, e.ids["ada"], a.ID); err != nil {
			t.Fatal(err)
		}
		e.advance(15 * time.Second)
		if _, err := e.s.GiveBack(ctx, e.ids["ada"], a.ID, "later"); !problem.Is(err, problem.Invalid) {
			t.Fatalf("an unknown way to give back: %v", err)
		}
		if _, err := e.s.GiveBack(ctx, e.ids["bob"], a.ID, work.Return); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob gave back ada's task: %v", err)
		}
		task, err := e.s.GiveBack(ctx, e.ids["ada"], a.ID, work.Return)
		if err != nil {
			t.Fatal(err)
		}
		if task.Status != "expired" || task.ActiveMS != 35000 {
			t.Fatalf("returned task: %+v", task.Assignment)
		}
		if _, err := e.s.GiveBack(ctx, e.ids["ada"], a.ID, work.Skip); !problem.Is(err, problem.Conflict) {
			t.Fatalf("gave back twice: %v", err)
		}
		if _, err := e.s.Submit(ctx, e.ids["ada"], a.ID, []byte(`{"label":"positive"}`)); !problem.Is(err, problem.Conflict) {
			t.Fatalf("submitted a returned task: %v", err)
		}
		var kind string
		var ms int64
		if err := db.Read().QueryRowContext(ctx, `SELECT kind, ms FROM unpaid_time WHERE member_id = $1`, e.ids["ada"]).Scan(&kind, &ms); err != nil || kind != "returned" || ms != 35000 {
			t.Fatalf("unpaid time %q %d ms, %v; want returned, 35000", kind, ms, err)
		}
		if got := e.balance(t, "member:m-ada"); got != 0 {
			t.Fatalf("a returned task paid %d", got)
		}
		// Ada gets the other item, never the returned one; bob gets the
		// returned one, which still needs its answer.
		b, err := e.s.Next(ctx, e.ids["ada"], p.Slug)
		if err != nil || b.ItemID == a.ItemID {
			t.Fatalf("ada's next task %+v, %v: want the other item", b, err)
		}
		e.advance(10 * time.Second)
		if _, err := e.s.GiveBack(ctx, e.ids["ada"], b.ID, work.Skip); err != nil {
			t.Fatal(err)
		}
		if err := db.Read().QueryRowContext(ctx, `SELECT ms FROM unpaid_time WHERE member_id = $1 AND kind = 'skipped'`, e.ids["ada"]).Scan(&ms); err != nil || ms != 10000 {
			t.Fatalf("skipped time %d ms, %v", ms, err)
		}
		if _, err := e.s.Next(ctx, e.ids["ada"], p.Slug); !problem.Is(err, problem.NotFound) {
			t.Fatalf("ada was offered an item she gave back: %v", err)
		}
		c, err := e.s.Next(ctx, e.ids["bob"], p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if c.ItemID != a.ItemID && c.ItemID != b.ItemID {
			t.Fatalf("bob got item %d", c.ItemID)
		}
		list, _, err := e.s.MyTasks(ctx, e.ids["ada"], "", store.Page{})
		if err != nil || len(list) != 2 || list[0].State != "skipped" || list[1].State != "returned" {
			t.Fatalf("ada's tasks %+v, %v", list, err)
		}

		q := e.project(t, work.Project{Slug: "qualified", PayPerTask: 100, ReviewHours: 0, QualificationItems: 1}, 1, nil, []string{"positive"})
		qa, err := e.s.Next(ctx, e.ids["ada"], q.Slug)
		if err != nil || qa.Kind != "qualification" {
			t.Fatalf("qualification task %+v, %v", qa, err)
		}
		if _, err := e.s.GiveBack(ctx, e.ids["ada"], qa.ID, work.Skip); !problem.Is(err, problem.Conflict) {
			t.Fatalf("skipped a qualification question: %v", err)
		}
	})
}

// TestMyTasksStates: a worker's list names each task's state as they read
// it, filters by it, refuses an unknown state, and shows the rejection's
// reason.
func TestMyTasksStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 48, Redundancy: 1, MaxRejectShare: 0.5}, 4, nil, nil)
		paid := e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		rejected := e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		open, err := e.s.Next(ctx, e.ids["ada"], p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		reason := "the text is clearly negative, see rule 2"
		if _, err := e.s.Reject(ctx, e.as("rita"), rejected.ID, work.RejectInstructions, reason); err != nil {
			t.Fatal(err)
		}
		prog, err := e.s.InProgress(ctx, e.ids["ada"])
		if err != nil || len(prog) != 1 || prog[0].ID != open.ID || prog[0].Project != p.Slug {
			t.Fatalf("in progress %+v, %v", prog, err)
		}
		e.advance(49 * time.Hour)
		if _, err := e.s.PayDue(ctx); err != nil {
			t.Fatal(err)
		}
		all, _, err := e.s.MyTasks(ctx, e.ids["ada"], "", store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]work.MyTask{}
		for _, m := range all {
			got[m.ID] = m
		}
		if got[paid.ID].State != "paid" || got[paid.ID].Pay < 100 {
			t.Fatalf("paid task %+v", got[paid.ID])
		}
		if r := got[rejected.ID]; r.State != "rejected" || r.Reason != reason {
			t.Fatalf("rejected task %+v", r)
		}
		if got[open.ID].State != "in progress" {
			t.Fatalf("open task %+v", got[open.ID])
		}
		only, _, err := e.s.MyTasks(ctx, e.ids["ada"], "rejected", store.Page{})
		if err != nil || len(only) != 1 || only[0].ID != rejected.ID {
			t.Fatalf("rejected only: %+v, %v", only, err)
		}
		if _, _, err := e.s.MyTasks(ctx, e.ids["ada"], "lost", store.Page{}); !problem.Is(err, problem.Invalid) {
			t.Fatalf("unknown state: %v", err)
		}
		if mine, _, _ := e.s.MyTasks(ctx, e.ids["bob"], "", store.Page{}); len(mine) != 0 {
			t.Fatalf("bob sees %d of ada's tasks", len(mine))
		}
		// A task left for longer than ExpireAfter is no longer in progress.
		if prog, err := e.s.InProgress(ctx, e.ids["ada"]); err != nil || len(prog) != 0 {
			t.Fatalf("in progress after two days: %+v, %v", prog, err)
		}
	})
}

// TestCaseAccess: a task's case is seen by its worker, its project's
// requester and stewards, with the answer read back; each may do only
// their part; to another worker it does not exist.
func TestCaseAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 48, Redundancy: 2, MaxRejectShare: 0}, 2, nil, nil)
		task := e.work(t, "ada", p.Slug, 30*time.Second, "negative")
		for _, tc := range []struct {
			who                string
			reject, own, found bool
		}{{"ada", false, true, true}, {"rita", true, false, true}, {"stella", true, false, true}, {"bob", false, false, false}} {
			c, err := e.s.Case(ctx, e.as(tc.who), task.ID)
			if !tc.found {
				if !problem.Is(err, problem.NotFound) {
					t.Fatalf("%s: %v", tc.who, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.who, err)
			}
			if c.Work.Label != "negative" || c.Worker != "m-ada" || c.Own != tc.own || c.MayReject != tc.reject || c.MayDecide || c.MayAppeal {
				t.Fatalf("%s sees %+v", tc.who, c)
			}
		}
		// The requester's rejection is held (no rejections allowed): a
		// steward decides, the requester and the worker do not.
		if out, err := e.s.Reject(ctx, e.as("rita"), task.ID, work.RejectInstructions, "the label contradicts the instructions"); err != nil || out != "review" {
			t.Fatalf("reject: %q, %v", out, err)
		}
		for who, decide := range map[string]bool{"stella": true, "rita": false, "ada": false} {
			c, err := e.s.Case(ctx, e.as(who), task.ID)
			if err != nil || c.MayDecide != decide || c.Status != "review" || len(c.Reviews) != 1 {
				t.Fatalf("%s: %+v, %v", who, c, err)
			}
		}
	})
}

// TestNotices: a worker's news lists new work, a decision on their task
// and a payment, and is empty once marked as read.
func TestNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if err := e.s.MarkNoticesRead(ctx, e.ids["ada"]); err != nil {
			t.Fatal(err)
		}
		e.advance(time.Minute)
		p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 0, Redundancy: 1}, 3, nil, nil)
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		n, err := e.s.Notices(ctx, e.ids["ada"])
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]work.Notice{}
		for _, x := range n.List {
			kinds[x.Kind] = x
		}
		if w := kinds["work"]; w.Project != "Sentiment" {
			t.Fatalf("new work: %+v in %+v", w, n.List)
		}
		if pay := kinds["payment"]; pay.Tasks != 2 || pay.Amount < 200 {
			t.Fatalf("payment: %+v", pay)
		}
		if r, _ := e.s.Notices(ctx, e.ids["rita"]); len(r.List) != 0 {
			t.Fatalf("rita's own project is news to her: %+v", r.List)
		}
		if err := e.s.MarkNoticesRead(ctx, e.ids["ada"]); err != nil {
			t.Fatal(err)
		}
		e.advance(time.Second)
		if n, err := e.s.Notices(ctx, e.ids["ada"]); err != nil || len(n.List) != 0 {
			t.Fatalf("after marking read: %+v, %v", n.List, err)
		}
	})
}

// TestCheckQuestionIsATaskToItsWorker: a check question's kind is "task"
// to its worker — in the task, its case and their list — and "gold" to the
// requester, who may reject it against its known answer.
func TestCheckQuestionIsATaskToItsWorker(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 48, GoldRate: 0.5}, 0, []string{"positive"}, nil)
	var a work.Assignment
	var err error
	// With no plain items, half of the draws offer the check question and
	// the others find nothing: 64 draws fail together once in 2^64.
	for range 64 {
		if a, err = e.s.Next(ctx, e.ids["ada"], p.Slug); err == nil {
			break
		}
	}
	if err != nil || a.Kind != "gold" {
		t.Fatalf("no check question: %+v, %v", a, err)
	}
	if _, err := e.s.Submit(ctx, e.ids["ada"], a.ID, []byte(`{"label":"negative"}`)); err != nil {
		t.Fatal(err)
	}
	task, err := e.s.Task(ctx, e.ids["ada"], a.ID)
	if err != nil || task.Kind != "task" {
		t.Fatalf("the worker's task: %q, %v", task.Kind, err)
	}
	mine, err := e.s.Case(ctx, e.as("ada"), a.ID)
	if err != nil || mine.Kind != "task" {
		t.Fatalf("the worker's case: %q, %v", mine.Kind, err)
	}
	theirs, err := e.s.Case(ctx, e.as("rita"), a.ID)
	if err != nil || theirs.Kind != "gold" {
		t.Fatalf("the requester's case: %q, %v", theirs.Kind, err)
	}
}
