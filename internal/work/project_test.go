package work_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// env is a work service over a fresh database with a requester (rita), a
// steward (stella), workers (ada, bob) and a controllable clock.
type env struct {
	db    *store.DB
	s     *work.Service
	r     *reward.Service
	clock time.Time
	ids   map[string]int64
	pids  map[string]string
	roles map[string]member.Role
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	blobs, err := store.OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, r: reward.NewService(db, ledger.New(db)), clock: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), ids: map[string]int64{}, pids: map[string]string{}, roles: map[string]member.Role{}}
	e.s = work.NewService(db, blobs, e.r, coop.New(db))
	e.s.SetClock(func() time.Time { return e.clock })
	for _, m := range []struct{ name, role string }{{"rita", "requester"}, {"stella", "steward"}, {"ada", "member"}, {"bob", "member"}} {
		var id int64
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', $4, 0) RETURNING id`,
				"m-"+m.name, m.name+"@example.org", m.name, m.role).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		e.ids[m.name], e.pids[m.name], e.roles[m.name] = id, "m-"+m.name, member.Role(m.role)
	}
	return e
}

// as is the named member, acting.
func (e *env) as(name string) member.Member {
	return member.Member{ID: e.ids[name], PublicID: e.pids[name], Role: e.roles[name]}
}

func (e *env) advance(d time.Duration) { e.clock = e.clock.Add(d) }

// project creates and approves a text classification project with n
// plain items and the given gold items (label answers).
func (e *env) project(t *testing.T, p work.Project, n int, gold []string, qual []string) work.Project {
	t.Helper()
	ctx := t.Context()
	if p.Slug == "" {
		p.Slug = "sentiment"
	}
	p.Name, p.Client, p.Purpose, p.Instructions = "Sentiment", "Shop Co", "rank reviews", "Pick positive or negative."
	if p.TaskType == "" {
		p.TaskType, p.Labels = work.TextClassification, []string{"positive", "negative"}
	}
	if p.EstSeconds == 0 {
		p.EstSeconds = 60
	}
	if p.Budget == 0 {
		p.Budget = 100000
	}
	created, err := e.s.Create(ctx, e.as("rita"), p)
	if err != nil {
		t.Fatal(err)
	}
	var items []work.NewItem
	for i := range n {
		items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("review %d", i), Text: fmt.Sprintf("Review number %d", i)}})
	}
	for i, g := range gold {
		items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("gold %d", i), Text: "obviously " + g}, Gold: json.RawMessage(`{"label":"` + g + `"}`)})
	}
	for i, g := range qual {
		items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("qual %d", i), Text: "qualify " + g}, Gold: json.RawMessage(`{"label":"` + g + `"}`), Qualification: true})
	}
	if err := e.s.AddItems(ctx, created.ID, items); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Approve(ctx, e.as("stella"), created.Slug); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.BySlug(ctx, created.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// work has a worker take the next task, spend d on it (with heartbeats)
// and answer with label.
func (e *env) work(t *testing.T, worker, slug string, d time.Duration, label string) work.Task {
	t.Helper()
	ctx := t.Context()
	a, err := e.s.Next(ctx, e.ids[worker], slug)
	if err != nil {
		t.Fatalf("%s next: %v", worker, err)
	}
	for left := d; left > 0; left -= 20 * time.Second {
		e.advance(min(left, 20*time.Second))
		if err := e.s.Heartbeat(ctx, e.ids[worker], a.ID); err != nil {
			t.Fatal(err)
		}
	}
	task, err := e.s.Submit(ctx, e.ids[worker], a.ID, []byte(`{"label":"`+label+`"}`))
	if err != nil {
		t.Fatalf("%s submit: %v", worker, err)
	}
	return task
}

func (e *env) balance(t *testing.T, account string) int64 {
	b, err := e.r.Balance(t.Context(), account)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPayFloorIsEnforced: a project that pays 10 points for a task that
// takes a minute pays 600 an hour, below the floor of 1500; the worker is
// topped up to 25 a task from the escrow; one worker's times do not yet
// replace the requester's estimate.
func TestPayFloorIsEnforced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 10, EstSeconds: 20, ReviewHours: 0, Redundancy: 1}, 3, nil, nil)
		if e.balance(t, reward.EscrowAccount(p.ID)) != 100000 {
			t.Fatal("the budget did not move into escrow")
		}
		task := e.work(t, "ada", p.Slug, 60*time.Second, "positive")
		if task.Status != "paid" || task.ActiveMS != 60000 {
			t.Fatalf("task after submit: %+v", task.Assignment)
		}
		if got := e.balance(t, reward.MemberAccount("m-ada")); got != 25 {
			t.Fatalf("ada earned %d points for a minute, want 25 (10 + 15 top-up to 1500/h)", got)
		}
		e.work(t, "ada", p.Slug, 2*time.Minute, "negative")
		// Median of 60 and 120 s is 90 s: the floor is 38 a task, so the
		// second task brings the top-ups to 2×38 − 2×10 = 56.
		if got := e.balance(t, reward.MemberAccount("m-ada")); got != 76 {
			t.Fatalf("after two tasks ada has %d, want 76", got)
		}
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		// Now the median is 60 s (25 a task, 75 in all): a top-up once paid
		// is never taken back, so only the third task's 10 is added.
		if got := e.balance(t, reward.MemberAccount("m-ada")); got != 86 {
			t.Fatalf("after three tasks ada has %d, want 86", got)
		}
		if got := e.balance(t, reward.EscrowAccount(p.ID)); got != 100000-86 {
			t.Fatalf("escrow %d", got)
		}
		// One worker's times are not a measurement of the task: the
		// requester's estimate (20 s, 1800/h) stays until five workers
		// were paid (TestMeasuredMedianNeedsFiveWorkers).
		p, _ = e.s.BySlug(t.Context(), p.Slug)
		if p.MeasuredSeconds != 0 || p.HourlyRate() != 1800 {
			t.Fatalf("advertised: %d s measured, %d/h; want the estimate's 1800/h", p.MeasuredSeconds, p.HourlyRate())
		}
		// Idle time is capped: a task left open for ten minutes without
		// heartbeats is paid as one minute of work.
		if _, err := e.s.Next(t.Context(), e.ids["bob"], p.Slug); !problem.Is(err, problem.NotFound) {
			t.Fatalf("all items have their answer: %v", err)
		}
		var total int64
		db.Read().QueryRowContext(t.Context(), `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total)
		if total != 0 {
			t.Fatalf("postings sum to %d", total)
		}
	})
}

func TestIdleTimeIsCapped(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 0}, 2, nil, nil)
	a, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute) // no heartbeat: lunch
	task, err := e.s.Submit(t.Context(), e.ids["ada"], a.ID, []byte(`{"label":"positive"}`))
	if err != nil {
		t.Fatal(err)
	}
	if task.ActiveMS != work.IdleCap.Milliseconds() {
		t.Fatalf("ten idle minutes counted as %d ms, want the %v cap", task.ActiveMS, work.IdleCap)
	}
	b, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	e.advance(work.ExpireAfter + time.Minute)
	if _, err := e.s.Submit(t.Context(), e.ids["ada"], b.ID, []byte(`{"label":"positive"}`)); !problem.Is(err, problem.Conflict) {
		t.Fatalf("submitting an expired task: %v", err)
	}
}

func TestNoWorkerSeesAnItemTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 30, Redundancy: 2, ReviewHours: 72}, 4, nil, nil)
		seen := map[string]map[int64]bool{"ada": {}, "bob": {}}
		counts := map[int64]int{}
		for _, w := range []string{"ada", "bob", "ada", "bob", "ada", "bob", "ada", "bob"} {
			task := e.work(t, w, p.Slug, 30*time.Second, "positive")
			if seen[w][task.ItemID] {
				t.Fatalf("%s saw item %d twice", w, task.ItemID)
			}
			seen[w][task.ItemID] = true
			counts[task.ItemID]++
		}
		for item, n := range counts {
			if n != 2 {
				t.Fatalf("item %d has %d answers, want the redundancy of 2", item, n)
			}
		}
		if _, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug); !problem.Is(err, problem.NotFound) {
			t.Fatalf("after the target: %v", err)
		}
		// The review window keeps the work unpaid until it closes.
		if b := e.balance(t, reward.MemberAccount("m-ada")); b != 0 {
			t.Fatalf("paid before the review window closed: %d", b)
		}
		e.advance(73 * time.Hour)
		n, err := e.s.PayDue(t.Context())
		if err != nil || n != 8 {
			t.Fatalf("PayDue paid %d, %v; want 8", n, err)
		}
		if b := e.balance(t, reward.MemberAccount("m-ada")); b != 4*30 {
			t.Fatalf("ada's balance %d, want 120 (30 s tasks at 30 points: above the floor, no top-up)", b)
		}
	})
}

func TestGoldAccuracyStopsTasksWithAnExplanation(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	p := e.project(t, work.Project{PayPerTask: 30, ReviewHours: 0, GoldRate: 0.5, MinGoldAccuracy: 0.7}, 20, []string{"positive", "positive", "positive", "negative", "negative"}, nil)
	gold := 0
	for range 25 {
		a, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug)
		if err != nil {
			if !problem.Is(err, problem.Forbidden) {
				t.Fatal(err)
			}
			if !strings.Contains(err.Error(), "check questions matched 0 of 3") {
				t.Fatalf("explanation: %v", err)
			}
			el, _ := e.s.Eligible(t.Context(), e.ids["ada"], p)
			if el.OK || el.Reason == "" {
				t.Fatalf("eligibility: %+v", el)
			}
			return
		}
		task, _ := e.s.Task(t.Context(), e.ids["ada"], a.ID)
		answer := "positive"
		if a.Kind == "gold" {
			gold++
			// Always the wrong answer to a check question.
			if strings.Contains(task.Item.Text, "positive") {
				answer = "negative"
			}
		}
		e.advance(20 * time.Second)
		if _, err := e.s.Submit(t.Context(), e.ids["ada"], a.ID, []byte(`{"label":"`+answer+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("a worker who failed %d check questions was never stopped", gold)
}

func TestQualificationIsPaidAtTheFloor(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	p := e.project(t, work.Project{PayPerTask: 30, ReviewHours: 72, QualificationItems: 2, QualificationMin: 1}, 3, nil, []string{"positive", "negative"})
	for _, w := range []string{"ada", "bob"} {
		for i := range 2 {
			a, err := e.s.Next(t.Context(), e.ids[w], p.Slug)
			if err != nil || a.Kind != "qualification" {
				t.Fatalf("%s: qualification item %d: %+v %v", w, i, a, err)
			}
			task, _ := e.s.Task(t.Context(), e.ids[w], a.ID)
			answer := strings.TrimPrefix(task.Item.Text, "qualify ")
			if w == "bob" {
				answer = "positive" // bob gets the second one wrong
			}
			for range 3 {
				e.advance(24 * time.Second)
				e.s.Heartbeat(t.Context(), e.ids[w], a.ID)
			}
			if _, err := e.s.Submit(t.Context(), e.ids[w], a.ID, []byte(`{"label":"`+answer+`"}`)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 2 × 72 s at 1500 an hour = 60 points, paid at once despite the
	// project's review window.
	for _, w := range []string{"ada", "bob"} {
		if b := e.balance(t, reward.MemberAccount("m-"+w)); b != 60 {
			t.Fatalf("%s was paid %d for qualification, want 60", w, b)
		}
	}
	if a, err := e.s.Next(t.Context(), e.ids["ada"], p.Slug); err != nil || a.Kind != "task" {
		t.Fatalf("ada after qualifying: %+v %v", a, err)
	}
	if _, err := e.s.Next(t.Context(), e.ids["bob"], p.Slug); !problem.Is(err, problem.Forbidden) || !strings.Contains(err.Error(), "qualification time was paid") {
		t.Fatalf("bob after failing: %v", err)
	}
}

func TestRejectionsNeedReasonsAndStewards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		p := e.project(t, work.Project{PayPerTask: 50, ReviewHours: 72, MaxRejectShare: 0.5}, 6, nil, nil)
		var tasks []work.Task
		for range 4 {
			tasks = append(tasks, e.work(t, "ada", p.Slug, 40*time.Second, "positive"))
		}
		reason := "The instructions say to pick negative for reviews that mention a refund."
		if _, err := e.s.Reject(ctx, e.as("rita"), tasks[0].ID, "instructions", "bad"); !problem.Is(err, problem.Invalid) {
			t.Fatalf("rejection without a real reason: %v", err)
		}
		if _, err := e.s.Reject(ctx, e.as("bob"), tasks[0].ID, "instructions", reason); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("rejection by someone else: %v", err)
		}
		if _, err := e.s.Reject(ctx, e.as("rita"), tasks[0].ID, "gold", reason); !problem.Is(err, problem.Invalid) {
			t.Fatalf("gold rejection of a plain task: %v", err)
		}
		// 1 of 4 rejected is within the 50% share; 3 of 4 is not.
		if out, err := e.s.Reject(ctx, e.as("rita"), tasks[0].ID, "instructions", reason); err != nil || out != "rejected" {
			t.Fatalf("first rejection: %s %v", out, err)
		}
		if out, _ := e.s.Reject(ctx, e.as("rita"), tasks[1].ID, "instructions", reason); out != "rejected" {
			t.Fatalf("second rejection: %s", out)
		}
		if out, _ := e.s.Reject(ctx, e.as("rita"), tasks[2].ID, "instructions", reason); out != "review" {
			t.Fatalf("third rejection should wait for a steward, got %s", out)
		}
		if err := e.s.Appeal(ctx, e.as("ada"), tasks[0].ID, "short"); !problem.Is(err, problem.Invalid) {
			t.Fatalf("appeal without text: %v", err)
		}
		if err := e.s.Appeal(ctx, e.as("ada"), tasks[0].ID, "The review asks for a replacement, not a refund; see the second sentence."); err != nil {
			t.Fatal(err)
		}
		pending, _ := e.s.PendingDecisions(ctx)
		if len(pending) != 2 {
			t.Fatalf("pending decisions: %+v", pending)
		}
		if err := e.s.Decide(ctx, e.as("rita"), tasks[0].ID, false, "I requested this project myself."); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("requester deciding their own appeal: %v", err)
		}
		if err := e.s.Decide(ctx, e.as("stella"), tasks[0].ID, false, "The review indeed asks for a replacement."); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decide(ctx, e.as("stella"), tasks[2].ID, true, "The review clearly mentions a refund."); err != nil {
			t.Fatal(err)
		}
		e.advance(73 * time.Hour)
		if _, err := e.s.PayDue(ctx); err != nil {
			t.Fatal(err)
		}
		// Paid: the overturned one and the untouched fourth; not the two
		// rejected ones.
		if b := e.balance(t, reward.MemberAccount("m-ada")); b != 100 {
			t.Fatalf("ada's balance %d, want 100", b)
		}
		task, _ := e.s.Task(ctx, e.ids["ada"], tasks[0].ID)
		if len(task.Reviews) != 3 || task.Reviews[2].Action != "overturn" {
			t.Fatalf("the ruling is not kept with the task: %+v", task.Reviews)
		}
		earn, err := e.s.Earnings(ctx, e.ids["ada"], 7)
		if err != nil {
			t.Fatal(err)
		}
		if earn.Points != 100 || earn.UnpaidMS != 80000 || earn.PaidMS != 80000 || earn.PerHour != 100*3600/160 {
			t.Fatalf("earnings %+v", earn)
		}
	})
}

func TestAnswersAreValidated(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	p := e.project(t, work.Project{Slug: "boxes", TaskType: work.BoundingBox, Labels: []string{"battery"}, PayPerTask: 30, ReviewHours: 0}, 0, nil, nil)
	if err := e.s.AddItems(ctx, p.ID, []work.NewItem{{Item: work.Item{Name: "img", Width: 512, Height: 256}, Image: strings.NewReader("fake image")}}); err != nil {
		t.Fatal(err)
	}
	a, err := e.s.Next(ctx, e.ids["ada"], p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"boxes":[{"label":"battery","x":500,"y":10,"w":100,"h":20}]}`,
		`{"boxes":[{"label":"battery","x":5,"y":10,"w":0,"h":20}]}`,
		`{"boxes":[{"label":"cat","x":5,"y":10,"w":10,"h":20}]}`,
		`{"label":"battery"}`,
		`not json`,
	} {
		_, err := e.s.Submit(ctx, e.ids["ada"], a.ID, []byte(bad))
		if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || len(p.Fields) == 0 {
			t.Errorf("answer %s: %v", bad, err)
		}
	}
	if _, err := e.s.Submit(ctx, e.ids["bob"], a.ID, []byte(`{"boxes":[]}`)); !problem.Is(err, problem.NotFound) {
		t.Fatalf("submitting another worker's task: %v", err)
	}
	if _, err := e.s.Submit(ctx, e.ids["ada"], a.ID, []byte(`{"boxes":[{"label":"battery","x":5,"y":10,"w":100,"h":50}]}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Submit(ctx, e.ids["ada"], a.ID, []byte(`{"boxes":[{"label":"battery","x":5,"y":10,"w":100,"h":50}]}`)); !problem.Is(err, problem.Conflict) {
		t.Fatalf("submitting twice: %v", err)
	}
}
