package action

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Replayer replays a recording; the server's is a headless Chromium.
type Replayer interface {
	Replay(ctx context.Context, rec recording.Recording) (replay.Result, error)
}

// ReportReplayer is a Replayer that also reads the page a replay ended on
// (replay.Options.Report into replay.Result.Report): a composed
// automation's replayed part passes on its output through it. The
// server's Browser is one; a Replayer that is not fails such a part.
type ReportReplayer interface {
	Replayer
	ReplayReport(ctx context.Context, rec recording.Recording, report string) (replay.Result, error)
}

// RunTimeout bounds one run; it stays under the job lease (one minute) so
// that no other worker takes a run that is still going.
const RunTimeout = 45 * time.Second

// MaxWaitingRuns is how many runs one member may have queued or running.
const MaxWaitingRuns = 3

// Run is one run of an automation.
type Run struct {
	ID         string    `json:"id"`
	Automation string    `json:"automation"`
	Title      string    `json:"title"`
	Runner     string    `json:"runner"`
	Status     string    `json:"status"`
	Price      int64     `json:"price"`
	Steps      []RunStep `json:"steps"`
	Error      string    `json:"error,omitempty"`
	FailedStep int       `json:"failed_step"`
	Charged    bool      `json:"charged"`
	// Learned says the run ran a learned program, whose price goes to its
	// demonstrators and the treasury.
	Learned bool `json:"learned"`
	// Test says it is a sandbox test run by the author on the
	// automation's samples (free, but a chain's pays its parts' prices);
	// Version is the automation's version it ran.
	Test       bool       `json:"test"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// Output is what a run that succeeded ended with (run_output.go),
	// opened by GetRun for the runner only; empty in lists and for anyone
	// else.
	Output string `json:"output,omitempty"`

	rowID, runnerID, automationID int64
}

// RunStep is how one step of a run went. It holds no typed value.
type RunStep struct {
	Index int `json:"index"`
	// Step names a learned program's step as the program numbers it
	// ("2", "3.1" in a loop); empty for a replayed recording.
	Step     string `json:"step,omitempty"`
	Type     string `json:"type"`
	Status   string `json:"status"`
	Selector string `json:"selector,omitempty"`
	Error    string `json:"error,omitempty"`
	Millis   int64  `json:"ms"`
}

func escrowAccount(runID int64) string { return "escrow:run:" + strconv.FormatInt(runID, 10) }

// StartRun checks the runner's values against the automation's parameters,
// moves the price into the run's escrow and queues the run.
func (s *Service) StartRun(ctx context.Context, runner member.Member, slug string, values map[string]string) (Run, error) {
	return s.StartRunAt(ctx, runner, slug, values, "")
}

// StartRunAt is StartRun for a run that starts on the page start: a
// learned automation runs on any record of its task's page ("" for the
// page it was demonstrated on); a replayed recording always starts where
// it was recorded.
func (s *Service) StartRunAt(ctx context.Context, runner member.Member, slug string, values map[string]string, start string) (Run, error) {
	a, err := s.AutomationFor(ctx, runner, slug)
	if err != nil {
		return Run{}, err
	}
	if a.Composed && a.ownListed {
		// Its parts as they are now: one that left the marketplace is
		// named, and nobody pays for a run that would fail at it.
		if err := s.partsListed(ctx, s.db.Read(), a.rowID); err != nil {
			return Run{}, err
		}
	}
	if !a.Listed {
		return Run{}, problem.New(problem.Conflict, "%s is not listed in the marketplace; its author may start a test run", slug)
	}
	if values == nil {
		values = map[string]string{}
	}
	if err := checkRunValues(a, values); err != nil {
		return Run{}, err
	}
	f := problem.Fields{}
	if a.Composed {
		if start != "" {
			return Run{}, &problem.Error{Kind: problem.Invalid, Message: "a composed automation starts where its first part does", Fields: map[string]string{"start": "only learned automations start elsewhere"}}
		}
		if err := bindComposed(a, values); err != nil {
			return Run{}, &problem.Error{Kind: problem.Invalid, Message: err.Error(), Fields: map[string]string{"params": err.Error()}}
		}
		// A part's price may have risen since the chain was composed.
		if err := s.partsPriced(ctx, s.db.Read(), a); err != nil {
			return Run{}, err
		}
		sealed, _ := json.Marshal(values)
		return s.queueRun(ctx, runner, a, string(sealed))
	}
	if a.Learned {
		sealed, err := learnedValues(a, values, start)
		if err != nil {
			return Run{}, err
		}
		return s.queueRun(ctx, runner, a, sealed)
	}
	if start != "" {
		return Run{}, &problem.Error{Kind: problem.Invalid, Message: "a replayed recording starts where it was recorded", Fields: map[string]string{"start": "only learned automations start elsewhere"}}
	}
	rec, err := s.recordingOf(ctx, a)
	if err != nil {
		return Run{}, err
	}
	if _, err := rec.Bind(values); err != nil {
		for _, p := range a.Parameters {
			if _, ok := values[p.Name]; !ok && p.Default == "" {
				f.Add("params."+p.Name, "is required")
			}
		}
		if len(f) == 0 {
			f.Add("params", "%s", err.Error())
		}
		return Run{}, &problem.Error{Kind: problem.Invalid, Message: err.Error(), Fields: f}
	}
	sealed, _ := json.Marshal(values)
	return s.queueRun(ctx, runner, a, string(sealed))
}

// queueRun moves the price into a new run's escrow and queues the run;
// sealed is what the run is given, kept sealed until it ends.
func (s *Service) queueRun(ctx context.Context, runner member.Member, a Automation, sealed string) (Run, error) {
	return s.queue(ctx, runner, a, sealed, false)
}

// queue is queueRun for a real run or a test run (by the author: free, but
// a chain's pays its parts' prices).
func (s *Service) queue(ctx context.Context, runner member.Member, a Automation, sealed string, test bool) (Run, error) {
	run := Run{Test: test, Version: a.Version, ID: newID("x-"), Automation: a.Slug, Title: a.Title, Runner: runner.PublicID, Status: "queued", Price: a.PricePerRun, FailedStep: -1,
		CreatedAt: time.Now().UTC(), runnerID: runner.ID, automationID: a.rowID}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// The server has one browser: a member may have a few runs waiting
		// for it, not the whole queue.
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM automation_runs WHERE runner_id = $1 AND status IN ('queued', 'running')`, runner.ID).Scan(&waiting); err != nil {
			return err
		}
		if waiting >= MaxWaitingRuns {
			return &problem.Error{Kind: problem.TooMany, Message: fmt.Sprintf("you have %d runs waiting; start another when one has finished", waiting)}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO automation_runs (public_id, automation_id, runner_id, status, price, params, created_at, test, version)
			VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8) RETURNING id`, run.ID, a.rowID, runner.ID, a.PricePerRun,
			s.vault.SealSecret(sealed, "run:"+run.ID), run.CreatedAt.UnixMilli(), boolInt(test), a.Version).Scan(&run.rowID)
		if err != nil {
			return err
		}
		if a.PricePerRun > 0 {
			id, err := s.reward.Transfer(ctx, tx, ledger.Event{
				Type: ledger.RunEscrowed, MemberID: runner.ID, Scope: "automation:" + a.Slug,
				Postings: []ledger.Posting{{Account: reward.MemberAccount(runner.PublicID), Amount: -a.PricePerRun}, {Account: escrowAccount(run.rowID), Amount: a.PricePerRun}},
			})
			if errors.Is(err, reward.ErrInsufficient) {
				bal, _ := reward.BalanceTx(ctx, tx, reward.MemberAccount(runner.PublicID))
				if test {
					return problem.New(problem.PaymentRequired, "a test run of a chain pays its parts' authors: it costs %s, what the parts cost together, and your balance is %s", s.money(a.PricePerRun), s.money(bal))
				}
				return problem.New(problem.PaymentRequired, "a run costs %s and your balance is %s", s.money(a.PricePerRun), s.money(bal))
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE automation_runs SET escrow_event = $2 WHERE id = $1`, run.rowID, id); err != nil {
				return err
			}
		}
		return store.Enqueue(ctx, tx, JobRun, []byte(strconv.FormatInt(run.rowID, 10)), store.JobOptions{MaxAttempts: 3})
	})
	if err != nil {
		return Run{}, err
	}
	return run, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// money writes an amount of points as the cooperative's pages do
// ("1.50 EUR"), for messages a runner or an author reads.
func (s *Service) money(p int64) string { return cmp.Or(s.Currency, points.DefaultCurrency).Format(p) }

// Execute runs a queued run (the job handler). A run that already ended is
// left alone, so a job that runs twice does not replay twice. Whatever
// happens in the browser, the run ends ok (escrow split to the author and
// the treasury) or failed (escrow refunded).
func (s *Service) Execute(ctx context.Context, rowID int64) error {
	var run Run
	var params string
	var started, resumed bool
	var startedAt int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT public_id, automation_id, COALESCE(runner_id, 0), status, price, params, COALESCE(started_at, 0) FROM automation_runs WHERE id = $1`, rowID).
			Scan(&run.ID, &run.automationID, &run.runnerID, &run.Status, &run.Price, &params, &startedAt)
		if err != nil {
			return err
		}
		switch run.Status {
		case "ok", "failed":
			return nil
		case "running":
			// Another worker claimed it. If that was longer ago than any
			// replay may take, that worker died: end the run as failed,
			// refunded — replaying again could do the work on the target
			// site twice. Otherwise leave it to that worker.
			resumed = startedAt < time.Now().Add(-staleRun).UnixMilli()
			return nil
		}
		started, err = claimRun(ctx, tx, rowID)
		return err
	})
	if err != nil {
		return err
	}
	run.rowID = rowID
	if resumed {
		return s.finish(context.WithoutCancel(ctx), run, nil, -1, "", errors.New("the run was interrupted (the server stopped or lost it) and was not replayed again"))
	}
	if !started {
		return nil
	}
	steps, failed, output, runErr := s.replayRun(ctx, run, params)
	return s.finish(context.WithoutCancel(ctx), run, steps, failed, output, runErr)
}

// claimRun marks a queued run running, in tx, and reports whether this
// call did: of two that race, one ends the run.
func claimRun(ctx context.Context, tx *store.Tx, rowID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE automation_runs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued'`, rowID, store.Now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// staleRun is how long after its start a run still marked running is taken
// to have lost its worker: well past RunTimeout and the wait for the browser.
const staleRun = 3 * RunTimeout

// FailStaleRuns ends the runs whose worker died mid-replay (the job chore
// calls it): failed, and the price given back.
func (s *Service) FailStaleRuns(ctx context.Context) (int, error) {
	ids, err := store.IDs(ctx, s.db.Read(), `SELECT id FROM automation_runs WHERE status = 'running' AND started_at < $1`, time.Now().Add(-staleRun).UnixMilli())
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.Execute(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// MaxQueueWait is how long a run may wait for a replica with a browser
// before it is failed and refunded. Replicas started without one
// (--replay-browser none) leave runs to those that have one; with none
// at all, or all of them stopped, a runner learns it within this time
// rather than waiting for ever. Well past what a full queue takes: a
// member has at most MaxWaitingRuns waiting, each bounded by RunTimeout.
const MaxQueueWait = 30 * time.Minute

// FailUnclaimedRuns ends the runs no replica with a browser took within
// MaxQueueWait (the job chore calls it): failed, with a message saying
// so, and the price given back. A replica that claims such a run's job
// later finds it ended and leaves it.
func (s *Service) FailUnclaimedRuns(ctx context.Context) (int, error) {
	ids, err := store.IDs(ctx, s.db.Read(), `SELECT id FROM automation_runs WHERE status = 'queued' AND created_at < $1`, time.Now().Add(-MaxQueueWait).UnixMilli())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		var run Run
		var claimed bool
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			err := tx.QueryRowContext(ctx, `SELECT public_id, automation_id, COALESCE(runner_id, 0), price FROM automation_runs WHERE id = $1`, id).
				Scan(&run.ID, &run.automationID, &run.runnerID, &run.Price)
			if err != nil {
				return err
			}
			// Taken as a worker takes it, so that only one of the chore
			// and a late worker ends it.
			claimed, err = claimRun(ctx, tx, id)
			return err
		})
		if err != nil {
			return n, err
		}
		if !claimed {
			continue
		}
		run.rowID = id
		msg := fmt.Errorf("no server with a browser started the run within %d minutes; the price was given back", int(MaxQueueWait/time.Minute))
		if err := s.finish(ctx, run, nil, -1, "", msg); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// replayRun opens the recording and the runner's values and replays,
// returning also what the run ended with (its output; run_output.go).
func (s *Service) replayRun(ctx context.Context, run Run, params string) ([]RunStep, int, string, error) {
	a, err := scanAutomation(s.db.Read().QueryRowContext(ctx, `SELECT `+automationColumns+automationFrom+` WHERE a.id = $1`, run.automationID))
	if err != nil {
		return nil, -1, "", err
	}
	if a.Status != "published" {
		return nil, -1, "", errors.New("the automation was withdrawn before the run started")
	}
	plain, err := s.vault.OpenSecret(params, "run:"+run.ID)
	if err != nil {
		return nil, -1, "", fmt.Errorf("the run's values cannot be opened: %w", err)
	}
	if a.Composed {
		return s.composedRun(ctx, a, plain)
	}
	if a.Learned {
		return s.actRun(ctx, a, plain)
	}
	values := map[string]string{}
	_ = json.Unmarshal([]byte(plain), &values)
	return s.replayOutput(ctx, a, values, "")
}

// replayWith replays an automation's recording with values.
func (s *Service) replayWith(ctx context.Context, a Automation, values map[string]string) ([]RunStep, int, error) {
	steps, failed, _, err := s.replayReport(ctx, a, values, "")
	return steps, failed, err
}

// replayOutput replays an automation's recording with values and reads
// what it ended with: the text at selector, else at the element the
// recording's last step waits for, else the page's main text. A server
// whose replayer cannot read pages replays without an output, and a page
// that cannot be read leaves the output empty rather than failing a run
// whose steps all succeeded.
func (s *Service) replayOutput(ctx context.Context, a Automation, values map[string]string, selector string) ([]RunStep, int, string, error) {
	if _, ok := s.Replayer.(ReportReplayer); !ok {
		steps, failed, err := s.replayWith(ctx, a, values)
		return steps, failed, "", err
	}
	if selector == "" {
		if rec, err := s.recordingOf(ctx, a); err == nil {
			selector = endSelector(rec)
		}
	}
	steps, failed, report, readErr, err := s.replayRead(ctx, a, values, outputJS(selector))
	if err != nil || readErr != "" {
		return steps, failed, "", err
	}
	return steps, failed, runOutput(report), nil
}

// replayReport is replayWith that, for a report expression, also returns
// its value on the page the replay ended on (after every step succeeded).
func (s *Service) replayReport(ctx context.Context, a Automation, values map[string]string, report string) ([]RunStep, int, json.RawMessage, error) {
	steps, failed, value, readErr, err := s.replayRead(ctx, a, values, report)
	if err == nil && readErr != "" {
		err = errors.New(hideQueries("reading the page it ended on: " + readErr))
	}
	return steps, failed, value, err
}

// replayRead is replayReport that tells why the page could not be read
// (readErr) apart from why the replay failed (err).
func (s *Service) replayRead(ctx context.Context, a Automation, values map[string]string, report string) ([]RunStep, int, json.RawMessage, string, error) {
	rec, err := s.recordingOf(ctx, a)
	if err != nil {
		return nil, -1, nil, "", fmt.Errorf("the automation's recording cannot be opened: %w", err)
	}
	bound, err := rec.Bind(values)
	if err == nil {
		err = webOnly(bound)
	}
	if err != nil {
		return nil, -1, nil, "", err
	}
	if s.Replayer == nil {
		return nil, -1, nil, "", errors.New("this server does not run automations (no browser configured)")
	}
	var res replay.Result
	if report == "" {
		res, err = s.Replayer.Replay(ctx, bound)
	} else if rr, ok := s.Replayer.(ReportReplayer); ok {
		res, err = rr.ReplayReport(ctx, bound, report)
	} else {
		return nil, -1, nil, "", errors.New("this server's browser cannot read the page a replay ends on")
	}
	steps := make([]RunStep, len(res.Steps))
	for i, st := range res.Steps {
		steps[i] = RunStep{Index: st.Index, Type: st.Type, Status: st.Status, Selector: st.Selector, Error: hideQueries(st.Error), Millis: st.Duration.Milliseconds()}
	}
	if err == nil && !res.OK {
		err = fmt.Errorf("step %d failed", res.FailedStep)
		if res.FailedStep >= 0 && res.FailedStep < len(steps) && steps[res.FailedStep].Error != "" {
			err = fmt.Errorf("step %d (%s): %s", res.FailedStep, steps[res.FailedStep].Type, steps[res.FailedStep].Error)
		}
	}
	if err != nil {
		return steps, res.FailedStep, nil, "", errors.New(hideQueries(err.Error()))
	}
	if report == "" {
		return steps, res.FailedStep, nil, "", nil
	}
	return steps, res.FailedStep, res.Report, res.ReportError, nil
}

// queryPart is the query and fragment of a URL in a message.
var queryPart = regexp.MustCompile(`(https?://[^\s?#"]+)[?#][^\s"]*`)

// hideQueries cuts the queries out of the URLs in a step's error before
// the runner reads it: a URL the author's recording expected may carry
// what the author typed into a form.
func hideQueries(msg string) string { return queryPart.ReplaceAllString(msg, "$1?…") }

// finish records the outcome and settles the escrow; output is what a
// successful run ended with, kept sealed for its runner.
func (s *Service) finish(ctx context.Context, run Run, steps []RunStep, failed int, output string, runErr error) error {
	stepsJSON, _ := json.Marshal(nonNilSteps(steps))
	status, msg := "ok", ""
	if runErr != nil {
		status, msg = "failed", runErr.Error()
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if status == "ok" {
			// Withdrawn (or its recording erased) while it ran: the author
			// is not paid for it, and the runner gets the price back.
			var live string
			err := tx.QueryRowContext(ctx, `SELECT a.status FROM automation_runs x JOIN automations a ON a.id = x.automation_id WHERE x.id = $1`, run.rowID).Scan(&live)
			if err != nil {
				return err
			}
			if live != "published" {
				status, msg = "failed", "the automation was withdrawn while the run was under way; the price was given back"
			}
		}
		sealedOutput := ""
		if status == "ok" {
			sealedOutput = s.vault.SealSecret(output, runOutputOwner(run.ID))
		}
		// A run ends once: only the finish that moves it out of running
		// settles; a second one (two workers, a retried job) changes
		// nothing.
		res, err := tx.ExecContext(ctx, `UPDATE automation_runs SET status = $2, steps = $3, error = $4, failed_step = $5, params = '', finished_at = $6,
			output = CASE WHEN output = $8 THEN '' ELSE $7 END
			WHERE id = $1 AND status = 'running'`, run.rowID, status, string(stepsJSON), msg, failed, store.Now(), sealedOutput, outputErased)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if status == "ok" {
			// A test run that succeeded vouches for the version it ran,
			// and only while that is still the automation's version.
			if _, err := tx.ExecContext(ctx, `UPDATE automations SET tested_version = version
				WHERE id = (SELECT automation_id FROM automation_runs WHERE id = $1 AND test = 1) AND version = (SELECT version FROM automation_runs WHERE id = $1)`, run.rowID); err != nil {
				return err
			}
		}
		if run.Price == 0 {
			return nil
		}
		id, err := s.settle(ctx, tx, run, status == "ok")
		if err != nil || id == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE automation_runs SET settle_event = $2 WHERE id = $1`, run.rowID, id)
		return err
	})
}

// settle splits a successful run's escrow between the treasury (what
// author_share_bp leaves, rounded down) and the author (the rest), by the
// same rule as a model call's charge; or refunds a failed run's to the
// runner.
func (s *Service) settle(ctx context.Context, tx *store.Tx, run Run, ok bool) (string, error) {
	escrow := escrowAccount(run.rowID)
	held, err := reward.BalanceTx(ctx, tx, escrow)
	if err != nil || held == 0 {
		return "", err
	}
	var runnerPID, authorPID, slug string
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(rm.public_id, ''), COALESCE(am.public_id, ''), a.slug FROM automation_runs x JOIN automations a ON a.id = x.automation_id
		LEFT JOIN members rm ON rm.id = x.runner_id LEFT JOIN members am ON am.id = a.author_id WHERE x.id = $1`, run.rowID).Scan(&runnerPID, &authorPID, &slug)
	if err != nil {
		return "", err
	}
	if !ok {
		to := reward.MemberAccount(runnerPID)
		if runnerPID == "" {
			to = reward.Treasury // the runner left; their refund stays with the cooperative
		}
		return s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.RunRefunded, MemberID: run.runnerID, Scope: "automation:" + slug,
			Postings: []ledger.Posting{{Account: escrow, Amount: -held}, {Account: to, Amount: held}}})
	}
	share, err := s.params.Get(ctx, tx, coop.AuthorShare)
	if err != nil {
		return "", err
	}
	var learned bool
	if err := tx.QueryRowContext(ctx, `SELECT a.program <> '' FROM automation_runs x JOIN automations a ON a.id = x.automation_id WHERE x.id = $1`, run.rowID).Scan(&learned); err != nil {
		return "", err
	}
	if composed, err := s.isComposed(ctx, tx, run.automationID); err != nil || composed {
		if err != nil {
			return "", err
		}
		return s.settleComposed(ctx, tx, run, escrow, held, share, slug)
	}
	if learned {
		// The authors' share goes to the demonstrators by their measured
		// contribution, in the same one split; the treasury keeps the rest
		// and whatever the integer division leaves.
		accounts, weights, err := s.demoSplit(ctx, tx, run.automationID)
		if err != nil {
			return "", err
		}
		_, postings, err := reward.Postings(reward.Payment{Payer: escrow, Total: held, ContributorBP: share, Contributors: accounts, Weights: weights,
			TreasuryBP: points.BasisPoints - share, Rest: reward.Treasury})
		if err != nil {
			return "", err
		}
		return s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Scope: "automation:" + slug, Postings: postings,
			Content: map[string]any{"run": run.ID}})
	}
	author := reward.MemberAccount(authorPID)
	if authorPID == "" {
		author = reward.Treasury
	}
	_, postings, err := reward.Postings(reward.Payment{Payer: escrow, Total: held, TreasuryBP: points.BasisPoints - share, Rest: author})
	if err != nil {
		return "", err
	}
	return s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Scope: "automation:" + slug, Postings: postings,
		Content: map[string]any{"run": run.ID}})
}

func nonNilSteps(s []RunStep) []RunStep {
	if s == nil {
		return []RunStep{}
	}
	return s
}

const runColumns = `x.id, x.public_id, a.slug, a.title, COALESCE(m.public_id, ''), COALESCE(x.runner_id, 0), x.status, x.price, x.steps, x.error, x.failed_step,
	x.settle_event, x.created_at, x.finished_at, a.program <> '', x.test, x.version`

const runFrom = ` FROM automation_runs x JOIN automations a ON a.id = x.automation_id LEFT JOIN members m ON m.id = x.runner_id`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var steps string
	var settle sql.NullString
	var created int64
	var finished sql.NullInt64
	var test int
	err := row.Scan(&r.rowID, &r.ID, &r.Automation, &r.Title, &r.Runner, &r.runnerID, &r.Status, &r.Price, &steps, &r.Error, &r.FailedStep, &settle, &created, &finished, &r.Learned, &test, &r.Version)
	r.Test = test == 1
	if err != nil {
		return Run{}, err
	}
	_ = json.Unmarshal([]byte(steps), &r.Steps)
	r.CreatedAt = store.Time(created)
	if finished.Valid {
		t := store.Time(finished.Int64)
		r.FinishedAt = &t
	}
	r.Charged = r.Status == "ok" && r.Price > 0
	return r, nil
}

// GetRun returns a run to its runner or a steward. Its output is opened
// for the runner only: a steward sees how a run went (to settle a
// dispute over its price), not what the page told the member — no more
// than anyone but the runner ever sees the values the run was given. The
// automation's author sees neither, unless they ran it themselves.
func (s *Service) GetRun(ctx context.Context, viewer member.Member, id string) (Run, error) {
	r, err := scanRun(s.db.Read().QueryRowContext(ctx, `SELECT `+runColumns+runFrom+` WHERE x.public_id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && r.runnerID != viewer.ID && !viewer.IsSteward()) {
		return Run{}, problem.New(problem.NotFound, "no run %s", id)
	}
	if err == nil && r.runnerID == viewer.ID {
		if err := s.openOutput(ctx, &r); err != nil {
			return Run{}, fmt.Errorf("the run's output cannot be opened: %w", err)
		}
	}
	return r, err
}

// MyRuns lists a page of a member's runs, newest first, optionally of one
// automation (by slug), and the cursor (a run id) of the next page.
func (s *Service) MyRuns(ctx context.Context, runnerID int64, slug string, page store.Page) ([]Run, string, error) {
	q := s.db.Read()
	where, args := `x.runner_id = $1`, []any{runnerID, page.Fetch()}
	if slug != "" {
		// By the automation's id, along (runner_id, automation_id, id):
		// runs of other automations are not read.
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM automations WHERE slug = $1`, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return []Run{}, "", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("list runs: %w", err)
		}
		args = append(args, id)
		where += fmt.Sprintf(` AND x.automation_id = $%d`, len(args))
	}
	if page.Before != "" {
		row, err := page.Row(ctx, q, "not one of your runs; use the next cursor of the previous page", `SELECT id FROM automation_runs WHERE public_id = $1 AND runner_id = $2`, runnerID)
		if err != nil {
			return nil, "", fmt.Errorf("list runs: %w", err)
		}
		args = append(args, row)
		where += fmt.Sprintf(` AND x.id < $%d`, len(args))
	}
	rows, err := q.QueryContext(ctx, `SELECT `+runColumns+runFrom+` WHERE `+where+` ORDER BY x.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	out, next := store.Cut(page, out, func(r Run) string { return r.ID })
	return out, next, nil
}
