package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Actor runs a learned program; the server's is the same headless
// Chromium, behind the same guarding proxy, that replays recordings
// (Browser.Act).
type Actor interface {
	Act(ctx context.Context, prog program.Program, opts actor.Options) (actor.Result, error)
}

// learnedRunInput is what a learned automation's run is given, sealed
// until the run ends: its parameters and the page it starts on.
type learnedRunInput struct {
	Params map[string]string `json:"params"`
	Start  string            `json:"start,omitempty"`
}

// checkStart checks the page a runner asks a learned automation to start
// on: the same site and path as the demonstrations' (the query may
// differ: it names the record to work on), over http or https.
func checkStart(prog program.Program, start string) error {
	if start == "" {
		return nil
	}
	u, err := url.Parse(start)
	p, perr := url.Parse(prog.Start)
	if err != nil || perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Host != p.Host || u.Path != p.Path {
		return &problem.Error{Kind: problem.Invalid, Message: "the start page must be the task's own page",
			Fields: map[string]string{"start": fmt.Sprintf("an address on %s%s (another query is fine)", p.Host, p.Path)}}
	}
	return nil
}

// learnedValues checks a runner's values for a learned automation and
// returns them sealed as the run keeps them.
func learnedValues(a Automation, values map[string]string, start string) (string, error) {
	if _, err := a.program.Bind(values); err != nil {
		f := map[string]string{"params": err.Error()}
		for _, p := range a.Parameters {
			if _, ok := values[p.Name]; !ok {
				f["params."+p.Name] = "is required"
			}
		}
		return "", &problem.Error{Kind: problem.Invalid, Message: err.Error(), Fields: f}
	}
	if err := checkStart(*a.program, start); err != nil {
		return "", err
	}
	js, _ := json.Marshal(learnedRunInput{Params: values, Start: start})
	return string(js), nil
}

// actRun runs a learned automation's program with the run's values, and
// returns what it ended with: the main text of the page it ended on (a
// program names no element as its end; run_output.go).
func (s *Service) actRun(ctx context.Context, a Automation, plain string) ([]RunStep, int, string, error) {
	var in learnedRunInput
	if err := json.Unmarshal([]byte(plain), &in); err != nil {
		return nil, -1, "", fmt.Errorf("the run's values cannot be read: %w", err)
	}
	if err := checkStart(*a.program, in.Start); err != nil {
		return nil, -1, "", err
	}
	steps, failed, report, err := s.act(ctx, *a.program, actor.Options{URL: in.Start, Params: in.Params, Report: outputJS("")})
	if err != nil {
		return steps, failed, "", err
	}
	return steps, failed, runOutput(report), nil
}

// act runs a learned program and returns its steps, the failed one (-1
// for none), what its Report expression returned, and why it failed.
func (s *Service) act(ctx context.Context, prog program.Program, opts actor.Options) ([]RunStep, int, json.RawMessage, error) {
	if s.Actor == nil {
		return nil, -1, nil, errors.New("this server does not run learned automations (no browser configured)")
	}
	res, err := s.Actor.Act(ctx, prog, opts)
	if err != nil {
		return nil, -1, nil, errors.New(hideQueries(err.Error()))
	}
	steps := make([]RunStep, len(res.Steps))
	failed := -1
	for i, st := range res.Steps {
		steps[i] = RunStep{Index: i, Step: st.Step, Type: st.Action, Status: st.Status, Selector: st.Target, Error: hideQueries(st.Error), Millis: st.Duration.Milliseconds()}
		if st.Status == actor.StatusFailed && failed < 0 {
			failed = i
		}
	}
	if !res.OK {
		msg := res.Error
		if msg == "" {
			msg = "the run failed"
		}
		return steps, failed, res.Report, errors.New(hideQueries(msg))
	}
	return steps, -1, res.Report, nil
}

// demoSplit returns a learned automation's demonstrators' accounts and
// their weights for a run's split, read in the settling transaction.
func (s *Service) demoSplit(ctx context.Context, q store.Querier, automationID int64) ([]string, []float64, error) {
	demos, err := demoRows(ctx, q, automationID)
	if err != nil {
		return nil, nil, err
	}
	accounts := make([]string, len(demos))
	weights := make([]float64, len(demos))
	for i, d := range demos {
		accounts[i] = memberOrTreasury(d.Member)
		weights[i] = d.Weight
	}
	return accounts, payWeights(weights), nil
}

// memberOrTreasury is a member's account, or the treasury's for one who
// left.
func memberOrTreasury(publicID string) string {
	if publicID == "" {
		return reward.Treasury
	}
	return reward.MemberAccount(publicID)
}

// learnedSteps is how many steps a program has, loops' bodies included,
// for people comparing automations.
func learnedSteps(steps []program.Step) int {
	n := 0
	for _, s := range steps {
		n += 1 + learnedSteps(s.Body)
	}
	return n
}
