package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/practice"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// act runs a learned program on the instance at url, with the instance's
// run parameters, and succeeds when the instance's check holds after the
// last step.
func act(ctx, browser context.Context, prog program.Program, in practice.Instance, url string) error {
	res, err := actor.Run(ctx, browser, prog, actor.Options{URL: url, Params: in.Params, DoneWhen: in.Check(), StepTimeout: 3 * time.Second})
	if err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("%s", res.Error)
	}
	return nil
}

// replayOn replays the demonstration raw (made on instance demoSeed of
// kind) on instance in: the recording's addresses are moved to the
// instance's, its kept values bound, and a last step waits for the
// instance's check, so that the replay succeeds only when the task is
// done.
func replayOn(ctx, browser context.Context, raw []byte, base, kind string, demoSeed uint64, in practice.Instance) error {
	from := practice.URL(base, kind, demoSeed)
	to := practice.URL(base, kind, in.Seed)
	rec, err := recording.Parse([]byte(strings.ReplaceAll(string(raw), from, to)))
	if err != nil {
		return err
	}
	// The recording takes only the parameters it declares (a password
	// field is never kept, so it declares none for it).
	params := map[string]string{}
	for _, p := range rec.Parameters() {
		if v, ok := in.Params[p.Name]; ok {
			params[p.Name] = v
		}
	}
	rec, err = rec.Bind(params)
	if err != nil {
		return err
	}
	rec.Steps = append(rec.Steps, recording.Step{Type: recording.StepWaitForExpression, Expression: in.Check(), Timeout: 2000})
	res, err := replay.RunIn(ctx, browser, rec, replay.Options{StepTimeout: 2 * time.Second})
	if err != nil {
		return err
	}
	if !res.OK {
		s := res.Steps[res.FailedStep]
		if res.FailedStep == len(rec.Steps)-1 {
			return errCheck
		}
		return fmt.Errorf("step %s (%s): %s", strconv.Itoa(s.Index), s.Type, s.Error)
	}
	return nil
}
