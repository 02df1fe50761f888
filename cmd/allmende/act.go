package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/replay"
)

// runAct runs a learned program in Debian's Chromium on a page and prints
// each step's result; it exits 1 naming the step that failed and why.
func runAct(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("act", "act PROGRAM.json --url URL [--param name=value ...] [--init-script JS] [--done-when JS] [--report JS] [--json]", io)
	values := params{}
	fs.Var(values, "param", "a run parameter of the program: `name=value` (repeat for each)")
	start := fs.String("url", "", "the page to start at (default: where the first demo started)")
	initScript := fs.String("init-script", "", "JavaScript to run in the page once it has loaded, before the first step")
	doneWhen := fs.String("done-when", "", "a JavaScript expression that must become true after the last step")
	report := fs.String("report", "", "a JavaScript expression whose value to print after the run")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("step-timeout", actor.DefaultStepTimeout, "how long a step waits for its target")
	browserPath := fs.String("browser", replay.DefaultExecPath, "the Chromium to run")
	files, err := parseFlagsAndFiles(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one program file, got %d", errUsage, len(files))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	prog, err := program.Parse(data)
	if err != nil {
		return fmt.Errorf("%s is not a program:\n%w", files[0], err)
	}
	browser, stop, err := startBrowser(ctx, *browserPath)
	if err != nil {
		return err
	}
	defer stop()
	opts := actor.Options{URL: *start, Params: values, InitScript: *initScript, DoneWhen: *doneWhen, Report: *report, StepTimeout: *timeout}
	if !*asJSON {
		opts.Log = func(s actor.StepResult) { fmt.Fprintln(io.out, describeActStep(s)) }
	}
	res, err := actor.Run(ctx, browser, prog, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else if *report != "" {
		fmt.Fprintf(io.out, "report: %s\n", readable(res.Report))
	}
	if !res.OK {
		return fmt.Errorf("%s", res.Error)
	}
	if !*asJSON {
		fmt.Fprintf(io.out, "ok: %d steps done\n", len(res.Steps))
	}
	return nil
}

// describeActStep is one line per step: its number, action, status, the
// element acted on, the loop item, time, and the error.
func describeActStep(s actor.StepResult) string {
	line := fmt.Sprintf("%5s %-11s %-7s", s.Step, s.Action, s.Status)
	if s.Target != "" {
		line += " " + s.Target
	}
	if s.Item != "" {
		line += fmt.Sprintf(" [item %q]", s.Item)
	}
	line += fmt.Sprintf(" (%v)", s.Duration.Round(time.Millisecond))
	if s.Error != "" {
		line += ": " + s.Error
	}
	return line
}

// startBrowser starts a headless Chromium for a run, with the replay's
// flags, in a profile folder of its own that stop removes.
func startBrowser(ctx context.Context, exe string) (context.Context, func(), error) {
	if _, err := os.Stat(exe); err != nil {
		return nil, nil, fmt.Errorf("no browser at %s (install Debian's chromium, or pass --browser): %w", exe, err)
	}
	dir, err := os.MkdirTemp("", "allmende-act-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 720),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	if err := chromedp.Do(browser); err != nil {
		stop()
		return nil, nil, fmt.Errorf("starting the browser: %w", err)
	}
	return browser, stop, nil
}

// readable re-encodes JSON from the browser, which escapes every
// non-ASCII character, so that a person reads "€", not "\u20ac".
func readable(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return string(raw)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
