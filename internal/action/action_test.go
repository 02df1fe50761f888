package action_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/vault"
)

type env struct {
	db      *store.DB
	s       *action.Service
	r       *reward.Service
	d       *datanet.Service
	members map[string]member.Member
	fake    *fakeReplayer
}

// fakeReplayer stands in for Chromium: it records what it was asked to
// replay and answers as told.
type fakeReplayer struct {
	mu    sync.Mutex
	fail  bool
	err   error
	delay time.Duration // how long a replay takes
	calls []recording.Recording
}

func (f *fakeReplayer) Replay(ctx context.Context, rec recording.Recording) (replay.Result, error) {
	time.Sleep(f.delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, rec)
	if f.err != nil {
		return replay.Result{FailedStep: -1}, f.err
	}
	res := replay.Result{OK: !f.fail, FailedStep: -1}
	for i, st := range rec.Steps {
		sr := replay.StepResult{Index: i, Type: st.Type, Status: "ok"}
		if f.fail && i == len(rec.Steps)-1 {
			sr.Status, sr.Error = "failed", "no element matched #status within 5s"
			res.FailedStep = i
		}
		res.Steps = append(res.Steps, sr)
	}
	return res, nil
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	l := ledger.New(db)
	v, err := vault.Open(db, filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, _ := store.OpenBlobs(filepath.Join(dir, "blobs"))
	e := &env{db: db, r: reward.NewService(db, l), members: map[string]member.Member{}, fake: &fakeReplayer{}}
	e.d = datanet.NewService(db, l, v, blobs, filepath.Join(dir, "dedup"))
	t.Cleanup(func() { e.d.Close() })
	e.s = action.NewService(db, l, e.r, coop.New(db), v, e.d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.s.Replayer = e.fake
	for _, who := range []string{"ada", "bob", "stella"} {
		role := member.RoleMember
		if who == "stella" {
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

// fund puts points into an account from outside.
func (e *env) fund(t *testing.T, account string, amount int64) {
	t.Helper()
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := e.r.Transfer(t.Context(), tx, ledger.Event{Type: ledger.FundsDeposited,
			Postings: []ledger.Posting{{Account: "funding:test", Amount: -amount}, {Account: account, Amount: amount}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) balance(t *testing.T, account string) int64 {
	t.Helper()
	b, err := e.r.Balance(t.Context(), account)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parcelFlow is a recording of the practice task with the behavioural
// evidence of b: look up a parcel by number (a parameter) and postcode
// (typed, masked unless asParam).
func parcelFlow(t *testing.T, b behavior.Recording, postcodeParam bool) []byte {
	t.Helper()
	sel := func(s ...string) []recording.Selector {
		out := make([]recording.Selector, len(s))
		for i, x := range s {
			out[i] = recording.Selector{x}
		}
		return out
	}
	postcode := ""
	params := []recording.Parameter{{Name: "number", Label: "Parcel number"}}
	masked := []int{4}
	if postcodeParam {
		postcode = "{{postcode}}"
		params = append(params, recording.Parameter{Name: "postcode", Label: "Postcode", Default: "10115"})
		masked = nil
	}
	rec := recording.Recording{
		Title: "Track a parcel",
		Steps: []recording.Step{
			{Type: "setViewport", Width: 1280, Height: 720, DeviceScaleFactor: 1},
			{Type: "navigate", URL: "http://127.0.0.1:1/practice/parcel", AssertedEvents: []recording.AssertedEvent{{Type: "navigation", URL: "http://127.0.0.1:1/practice/parcel", Title: "Parcel tracker (practice)"}}},
			{Type: "click", Selectors: sel("aria/Parcel number", "#number"), OffsetX: 10, OffsetY: 10},
			{Type: "change", Selectors: sel("aria/Parcel number", "#number"), Value: "{{number}}"},
			{Type: "change", Selectors: sel("aria/Postcode", "#postcode"), Value: postcode},
			{Type: "click", Selectors: sel("aria/Track", "#track"), OffsetX: 5, OffsetY: 5},
			{Type: "waitForElement", Selectors: sel("#status")},
		},
		Allmende: &recording.Extension{Version: 1, Recorder: "allmende-extension/0.1", Viewport: recording.Viewport{Width: b.Viewport.W, Height: b.Viewport.H},
			Parameters: params, Masked: masked},
	}
	rec.Allmende.Events = recording.EventsOf(b.Events)
	raw, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

var people = behavior.SynthPeople(11, 4)

func human(seed uint64) behavior.Recording {
	return behavior.SynthHuman(people[0], behavior.SynthNewTask(seed), seed)
}

func TestRecordingsAreJudgedAndPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		ada, stella := e.members["ada"], e.members["stella"]

		// A person's recording, but the treasury is empty: verified,
		// paid as soon as the treasury can.
		first, err := e.s.Upload(ctx, ada, parcelFlow(t, human(1), true), "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Status != action.Verified || first.Paid || first.Score < behavior.HumanThreshold {
			t.Fatalf("a person's recording: %+v", first)
		}
		e.fund(t, reward.Treasury, 1000)
		if n, err := e.s.PayPending(ctx); err != nil || n != 1 {
			t.Fatalf("pay pending: %d %v", n, err)
		}
		if got := e.balance(t, "member:m-ada"); got != coop.Defaults[coop.RecordingReward] {
			t.Fatalf("ada was paid %d", got)
		}
		second, err := e.s.Upload(ctx, ada, parcelFlow(t, human(2), true), "")
		if err != nil || second.Status != action.Verified || !second.Paid {
			t.Fatalf("second recording: %+v %v", second, err)
		}

		// A script: rejected, with reasons; an appeal sends it to a steward.
		bot, err := e.s.Upload(ctx, ada, parcelFlow(t, behavior.SynthBot(behavior.BotCDP, behavior.SynthNewTask(3), 3), true), "")
		if err != nil {
			t.Fatal(err)
		}
		if bot.Status != action.Rejected || len(bot.Reasons) == 0 || bot.Paid {
			t.Fatalf("a scripted recording: %+v", bot)
		}
		if _, err := e.s.Decide(ctx, stella, bot.ID, true, ""); !problem.Is(err, problem.Conflict) {
			t.Fatalf("deciding a recording not under review: %v", err)
		}
		if _, err := e.s.Appeal(ctx, e.members["bob"], bot.ID, "mine"); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob appealing ada's recording: %v", err)
		}
		appealed, err := e.s.Appeal(ctx, ada, bot.ID, "I use a tablet with a stylus.")
		if err != nil || appealed.Status != action.Review {
			t.Fatalf("appeal: %+v %v", appealed, err)
		}
		if _, err := e.s.Decide(ctx, ada, bot.ID, true, ""); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member deciding: %v", err)
		}
		// The review queue names recorders: stewards only.
		if _, err := e.s.AwaitingReview(ctx, ada); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a member reads the review queue: %v", err)
		}
		if queue, err := e.s.AwaitingReview(ctx, stella); err != nil || len(queue) != 1 || queue[0].ID != bot.ID || !queue[0].RecordedBy(ada) || queue[0].RecordedBy(stella) {
			t.Fatalf("the review queue: %+v, %v", queue, err)
		}
		if _, err := e.s.Decide(ctx, stella, bot.ID, false, ""); !problem.Is(err, problem.Invalid) {
			t.Fatalf("a rejection without a reason: %v", err)
		}
		before := e.balance(t, "member:m-ada")
		decided, err := e.s.Decide(ctx, stella, bot.ID, true, "Checked with the member by phone.")
		if err != nil || decided.Status != action.Verified || !decided.Paid || e.balance(t, "member:m-ada") != before+coop.Defaults[coop.RecordingReward] {
			t.Fatalf("verified on review: %+v %v", decided, err)
		}

		// A replay of the first recording, slightly jittered: caught.
		copied, err := e.s.Upload(ctx, e.members["bob"], parcelFlow(t, behavior.SynthCopy(human(1), 9), true), "")
		if err != nil {
			t.Fatal(err)
		}
		if copied.Status != action.Rejected || copied.CopyOf != first.ID {
			t.Fatalf("a copy: %+v", copied)
		}

		// A plain Chrome Recorder export has no evidence: a steward decides.
		plain, err := e.s.Upload(ctx, ada, []byte(`{"title":"plain","steps":[{"type":"navigate","url":"https://example.org/"}]}`), "")
		if err != nil || plain.Status != action.Review {
			t.Fatalf("plain export: %+v %v", plain, err)
		}

		// Bad input names the step.
		_, err = e.s.Upload(ctx, ada, []byte(`{"title":"x","steps":[{"type":"teleport"}]}`), "")
		var p *problem.Error
		if !errors.As(err, &p) || p.Kind != problem.Invalid || p.Fields["steps[0].type"] == "" {
			t.Fatalf("unknown step type: %v %+v", err, p)
		}
		// A page on a sensitive site, which the recorder never records
		// there: refused, naming the step.
		_, err = e.s.Upload(ctx, ada, []byte(`{"title":"bank","steps":[{"type":"navigate","url":"https://example.org/"},{"type":"navigate","url":"https://www.paypal.com/signin"}]}`), "")
		if !errors.As(err, &p) || p.Kind != problem.Invalid || !strings.Contains(p.Fields["steps[1].url"], "www.paypal.com, a sensitive site") {
			t.Fatalf("a step on a sensitive site: %v %+v", err, p)
		}
		if _, err := e.s.Upload(ctx, ada, make([]byte, action.MaxUpload+1), ""); !problem.Is(err, problem.TooLarge) {
			t.Fatalf("too large: %v", err)
		}

		// Others do not see ada's recordings.
		if _, err := e.s.Get(ctx, e.members["bob"], first.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob reading ada's recording: %v", err)
		}
		checkLedger(t, e)
	})
}

func TestAutomationRunsArePaidOrRefunded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		ada, bob := e.members["ada"], e.members["bob"]
		e.fund(t, reward.Treasury, 1000)
		masked, err := e.s.Upload(ctx, ada, parcelFlow(t, human(4), false), "")
		if err != nil || masked.Status != action.Verified {
			t.Fatalf("upload: %+v %v", masked, err)
		}
		pub := action.Publication{Slug: "track-parcel", Title: "Track a parcel", Description: "Looks up a parcel.", PricePerRun: 100}
		if _, err := e.s.Publish(ctx, ada, masked.ID, pub); !problem.Is(err, problem.Invalid) {
			t.Fatalf("publishing with a masked step: %v", err)
		}
		rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(5), true), "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload: %+v %v", rec, err)
		}
		if _, err := e.s.Publish(ctx, bob, rec.ID, pub); !problem.Is(err, problem.NotFound) {
			t.Fatalf("bob publishing ada's recording: %v", err)
		}
		a, err := e.s.Publish(ctx, ada, rec.ID, pub)
		if err != nil || len(a.Parameters) != 2 {
			t.Fatalf("publish: %+v %v", a, err)
		}
		a = e.listed(t, ada, a.Slug, map[string]string{"number": "1Z999AA1", "postcode": "20095"})

		// No balance, no run; a missing parameter is named.
		if _, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1", "postcode": "20095"}); !problem.Is(err, problem.PaymentRequired) ||
			!strings.Contains(err.Error(), "a run costs 1.00 EUR and your balance is 0.00 EUR") {
			t.Fatalf("run without balance: %v", err)
		}
		e.fund(t, "member:m-bob", 250)
		_, err = e.s.StartRun(ctx, bob, a.Slug, map[string]string{})
		var p *problem.Error
		if !errors.As(err, &p) || p.Fields["params.number"] == "" {
			t.Fatalf("missing parameter: %v", err)
		}

		// A run that works pays the author 80% and the treasury 20%.
		run, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1", "postcode": "20095"})
		if err != nil || run.Status != "queued" {
			t.Fatalf("start: %+v %v", run, err)
		}
		if got := e.balance(t, "member:m-bob"); got != 150 {
			t.Fatalf("bob's balance with the price in escrow: %d", got)
		}
		adaBefore, treasuryBefore := e.balance(t, "member:m-ada"), e.balance(t, reward.Treasury)
		execute(t, e, run.ID)
		got, err := e.s.GetRun(ctx, bob, run.ID)
		if err != nil || got.Status != "ok" || !got.Charged || len(got.Steps) != 7 {
			t.Fatalf("run: %+v %v", got, err)
		}
		if e.balance(t, "member:m-ada") != adaBefore+80 || e.balance(t, reward.Treasury) != treasuryBefore+20 {
			t.Fatalf("split: ada %d→%d, treasury %d→%d", adaBefore, e.balance(t, "member:m-ada"), treasuryBefore, e.balance(t, reward.Treasury))
		}
		replayed := e.fake.calls[len(e.fake.calls)-1]
		if replayed.Steps[3].Value != "1Z999AA1" || replayed.Steps[4].Value != "20095" {
			t.Fatalf("the runner's values were not filled in: %q %q", replayed.Steps[3].Value, replayed.Steps[4].Value)
		}
		// Running the job again changes nothing.
		execute(t, e, run.ID)
		if len(e.fake.calls) != 2 || e.balance(t, "member:m-ada") != adaBefore+80 {
			t.Fatal("a finished run ran again")
		}

		// A run that fails is refunded, with the failing step named.
		e.fake.fail = true
		run2, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "NOPE00"})
		if err != nil {
			t.Fatal(err)
		}
		execute(t, e, run2.ID)
		got, _ = e.s.GetRun(ctx, bob, run2.ID)
		if got.Status != "failed" || got.FailedStep != 6 || !strings.Contains(got.Error, "#status") || got.Charged {
			t.Fatalf("failed run: %+v", got)
		}
		if e.balance(t, "member:m-bob") != 150 {
			t.Fatalf("bob was not refunded: %d", e.balance(t, "member:m-bob"))
		}
		// The browser crashing is a failure too.
		e.fake.fail, e.fake.err = false, errors.New("chromium exited")
		run3, _ := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"})
		execute(t, e, run3.ID)
		if got, _ := e.s.GetRun(ctx, bob, run3.ID); got.Status != "failed" || e.balance(t, "member:m-bob") != 150 {
			t.Fatalf("crashed run: %+v, bob %d", got, e.balance(t, "member:m-bob"))
		}
		if _, err := e.s.GetRun(ctx, ada, run.ID); !problem.Is(err, problem.NotFound) {
			t.Fatalf("ada reading bob's run: %v", err)
		}
		list, _, _ := e.s.Automations(ctx, store.Page{})
		// The all-time counts, like the listing's figures, leave the
		// test run out.
		if len(list) != 1 || list[0].Runs != 3 || list[0].Succeeded != 1 || list[0].Figures.Runs != 3 || list[0].Figures.SuccessRate != 33 {
			t.Fatalf("usage counts: %+v", list)
		}

		// Two workers executing the same run at once replay it once and
		// pay once.
		e.fund(t, "member:m-bob", 1000)
		e.fake.err, e.fake.delay = nil, 200*time.Millisecond
		calls, adaBefore := len(e.fake.calls), e.balance(t, "member:m-ada")
		run4, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { execute(t, e, run4.ID) })
		}
		wg.Wait()
		e.fake.delay = 0
		if got, _ := e.s.GetRun(ctx, bob, run4.ID); got.Status != "ok" || len(e.fake.calls) != calls+1 || e.balance(t, "member:m-ada") != adaBefore+80 {
			t.Fatalf("a run executed twice at once: %+v, %d replays, ada %d→%d", got, len(e.fake.calls)-calls, adaBefore, e.balance(t, "member:m-ada"))
		}
		// A run whose worker died mid-replay is not replayed again: the
		// chore ends it as failed and refunds it.
		bobBefore := e.balance(t, "member:m-bob")
		run5, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE automation_runs SET status = 'running', started_at = $2 WHERE public_id = $1`,
				run5.ID, time.Now().Add(-time.Hour).UnixMilli())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.s.FailStaleRuns(ctx); n != 1 || err != nil {
			t.Fatalf("stale runs ended: %d, %v", n, err)
		}
		if got, _ := e.s.GetRun(ctx, bob, run5.ID); got.Status != "failed" || len(e.fake.calls) != calls+1 || e.balance(t, "member:m-bob") != bobBefore {
			t.Fatalf("an interrupted run: %+v, bob %d→%d", got, bobBefore, e.balance(t, "member:m-bob"))
		}
		// A run queued before its automation was withdrawn is refunded,
		// not replayed.
		run6, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Withdraw(ctx, ada, a.Slug); err != nil {
			t.Fatal(err)
		}
		execute(t, e, run6.ID)
		if got, _ := e.s.GetRun(ctx, bob, run6.ID); got.Status != "failed" || len(e.fake.calls) != calls+1 || e.balance(t, "member:m-bob") != bobBefore {
			t.Fatalf("a run of a withdrawn automation: %+v, bob %d→%d", got, bobBefore, e.balance(t, "member:m-bob"))
		}

		// Erasing the recording withdraws the automation.
		if err := e.s.Erase(ctx, ada, rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Automation(ctx, a.Slug); !problem.Is(err, problem.NotFound) {
			t.Fatalf("automation after erasure: %v", err)
		}
		checkLedger(t, e)
	})
}

func TestVerifiedRecordingsBecomeContributions(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	ada := e.members["ada"]
	e.fund(t, reward.Treasury, 1000)
	if _, err := e.d.Create(ctx, e.members["stella"], datanet.Datanet{Slug: "flows", Name: "Flows", Domain: "web work", Client: "Action model lab", Purpose: "train an action model",
		Licence: "CC BY-SA 4.0", RecordKind: datanet.KindRecording}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Upload(ctx, ada, parcelFlow(t, human(6), true), "flows"); !problem.Is(err, problem.Forbidden) {
		t.Fatalf("contributing without consent: %v", err)
	}
	if _, err := e.d.ConsentAction(ctx, ada.ID, "flows", "grant"); err != nil {
		t.Fatal(err)
	}
	rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(6), true), "flows")
	if err != nil || rec.Contribution == "" {
		t.Fatalf("upload to a datanet: %+v %v", rec, err)
	}
	var exported []datanet.Exported
	if _, err := e.d.Export(ctx, "flows", func(x datanet.Exported) error { exported = append(exported, x); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(exported) != 1 {
		t.Fatalf("exported %d records", len(exported))
	}
	raw := string(exported[0].Record.Recording)
	if !strings.Contains(raw, "{{number}}") || strings.Contains(raw, `"events"`) {
		t.Fatalf("the dataset's recording keeps its parameters and drops the behavioural evidence: %.400s", raw)
	}
	// Erasing the recording erases the contribution.
	if err := e.s.Erase(ctx, ada, rec.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.d.Count(ctx, 1); n != 0 {
		t.Fatalf("contributions after erasing the recording: %d", n)
	}
}

// execute runs a queued run as the job runner would.
func execute(t *testing.T, e *env, runID string) {
	t.Helper()
	var row int64
	if err := e.db.Read().QueryRowContext(t.Context(), `SELECT id FROM automation_runs WHERE public_id = $1`, runID).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Execute(t.Context(), row); err != nil {
		t.Fatal(err)
	}
}

// checkLedger: postings sum to zero and no member is negative.
func checkLedger(t *testing.T, e *env) {
	t.Helper()
	var total int64
	e.db.Read().QueryRowContext(t.Context(), `SELECT COALESCE(sum(amount), 0) FROM postings`).Scan(&total)
	if total != 0 {
		t.Fatalf("postings sum to %d", total)
	}
	var negative int
	e.db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM (SELECT account, sum(amount) AS b FROM postings WHERE account LIKE 'member:%' OR account LIKE 'escrow:%' OR account = 'treasury' GROUP BY account) x WHERE b < 0`).Scan(&negative)
	if negative != 0 {
		t.Fatalf("%d accounts are negative", negative)
	}
}

// An automation opens web pages only: a recording that opens a file on the
// server (or a browser page) is verified work, but cannot be published,
// since its run would show the server's files to the runner.
func TestAutomationsOpenOnlyWebPages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	ada := e.members["ada"]
	e.fund(t, reward.Treasury, 1000)
	for i, target := range []string{"file:///etc/hostname", "chrome://settings", "data:text/html,<p>hi"} {
		body := bytes.ReplaceAll(parcelFlow(t, human(uint64(20+i)), true), []byte("http://127.0.0.1:1/practice/parcel"), []byte(target))
		rec, err := e.s.Upload(ctx, ada, body, "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("%s: upload %+v %v", target, rec, err)
		}
		_, err = e.s.Publish(ctx, ada, rec.ID, action.Publication{Slug: fmt.Sprintf("peek-%d", i), Title: "Peek", Description: "Opens a page.", PricePerRun: 0})
		var p *problem.Error
		if !errors.As(err, &p) || p.Kind != problem.Invalid || !strings.Contains(p.Fields["recording"], "only http and https") {
			t.Errorf("publishing a recording that opens %s: %v", target, err)
		}
	}
}

// One member cannot fill the server's only browser: a few runs may wait,
// and the next is refused until one has finished.
func TestWaitingRunsPerMember(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	ada, bob := e.members["ada"], e.members["bob"]
	e.fund(t, reward.Treasury, 1000)
	rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(30), true), "")
	if err != nil || rec.Status != action.Verified {
		t.Fatalf("upload %+v %v", rec, err)
	}
	a, err := e.s.Publish(ctx, ada, rec.ID, action.Publication{Slug: "free", Title: "Free", Description: "Costs nothing.", PricePerRun: 0,
		Samples: map[string]string{"number": "1Z999AA1"}})
	if err != nil {
		t.Fatal(err)
	}
	a = e.listed(t, ada, a.Slug, nil)
	var runs []action.Run
	for range action.MaxWaitingRuns {
		r, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	if _, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"}); !problem.Is(err, problem.TooMany) {
		t.Fatalf("run %d while %d wait: %v", action.MaxWaitingRuns+1, action.MaxWaitingRuns, err)
	}
	if _, err := e.s.StartRun(ctx, ada, a.Slug, map[string]string{"number": "1Z999AA1"}); err != nil {
		t.Fatalf("another member's run: %v", err)
	}
	execute(t, e, runs[0].ID)
	if _, err := e.s.StartRun(ctx, bob, a.Slug, map[string]string{"number": "1Z999AA1"}); err != nil {
		t.Fatalf("a run after one finished: %v", err)
	}
}

// The same recording uploaded from two accounts at the same moment is paid
// once: whichever stores second is refused as a copy, even when both were
// checked before either was stored.
func TestSimultaneousCopiesArePaidOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.fund(t, reward.Treasury, 10000)
		body := parcelFlow(t, human(40), true)
		for round := range 3 {
			var wg sync.WaitGroup
			got := make([]action.Recording, 2)
			for i, who := range []string{"ada", "bob"} {
				wg.Go(func() {
					r, err := e.s.Upload(ctx, e.members[who], body, "")
					if err != nil {
						t.Error(err)
					}
					got[i] = r
				})
			}
			wg.Wait()
			verified := 0
			for _, r := range got {
				if r.Status == action.Verified {
					verified++
				}
			}
			if want := 0; round > 0 && verified != want {
				t.Fatalf("round %d: %d of the copies verified: %+v", round, verified, got)
			}
			if round == 0 && verified != 1 {
				t.Fatalf("%d of two simultaneous uploads verified, want 1: %+v", verified, got)
			}
		}
		checkLedger(t, e)
	})
}
