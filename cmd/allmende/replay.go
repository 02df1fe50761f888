package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// params collects repeated --param name=value flags.
type params map[string]string

func (p params) String() string { return "" }

func (p params) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("%q is not name=value", s)
	}
	if _, dup := p[name]; dup {
		return fmt.Errorf("parameter %q given twice", name)
	}
	p[name] = value
	return nil
}

// runReplay plays a Chrome Recorder recording (ours or Chrome's own export)
// in Debian's Chromium and prints each step's result; it exits non-zero
// naming the step that failed and why.
func runReplay(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("replay", "replay recording.json [--param name=value ...] [--headful] [--json]", io)
	values := params{}
	fs.Var(values, "param", "fill the recording's parameter: `name=value` (repeat for each)")
	headful := fs.Bool("headful", false, "show the browser window (needs a display)")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of one line per step")
	timeout := fs.Duration("step-timeout", replay.DefaultStepTimeout, "how long a step may wait for its element or navigation")
	browser := fs.String("browser", replay.DefaultExecPath, "the Chromium to run")
	files, err := parseFlagsAndFiles(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one recording file, got %d", errUsage, len(files))
	}
	data, err := readRecording(files[0], io.in)
	if err != nil {
		return err
	}
	rec, err := recording.Parse(data)
	if err != nil {
		return fmt.Errorf("%s is not a recording that can be replayed:\n%w", files[0], err)
	}
	if rec, err = rec.Bind(values); err != nil {
		return err
	}
	opts := replay.Options{StepTimeout: *timeout, Headful: *headful, ExecPath: *browser}
	if !*asJSON {
		opts.Log = func(s replay.StepResult) { fmt.Fprintln(io.out, describeStep(s)) }
	}
	res, err := replay.Run(ctx, rec, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	if !res.OK {
		s := res.Steps[res.FailedStep]
		return fmt.Errorf("step %d (%s) failed: %s", s.Index, s.Type, s.Error)
	}
	fmt.Fprintf(io.out, "ok: %d steps replayed\n", len(res.Steps))
	return nil
}

// readRecording reads the file, or standard input for "-", refusing more
// than recording.MaxBytes without reading it all.
func readRecording(path string, stdin io.Reader) ([]byte, error) {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, recording.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > recording.MaxBytes {
		return nil, fmt.Errorf("%s is larger than %d MB, the most a recording may be", path, recording.MaxBytes>>20)
	}
	return data, nil
}

// describeStep is one line per step: index (from 0, as in the recording's
// validation errors and the run page), type, status, the selector that
// found the element, time.
func describeStep(s replay.StepResult) string {
	line := fmt.Sprintf("%3d %-16s %-7s", s.Index, s.Type, s.Status)
	if s.Selector != "" {
		line += " " + s.Selector
	}
	if s.Status != replay.StatusSkipped {
		line += fmt.Sprintf(" (%v)", s.Duration.Round(time.Millisecond))
	}
	if s.Error != "" {
		line += ": " + s.Error
	}
	return line
}
