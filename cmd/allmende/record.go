package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/recorder"
	"github.com/allmende/allmende/internal/recording"
)

// runRecord records browser work with the recorder extension and writes
// the recording (steps, evidence, targets, outlines) to a file: how a
// person makes a demonstration without the server, and how scripted hands
// make them for tests, driving the page over the DevTools protocol.
func runRecord(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("record", "record --url URL --out FILE [--headless] [--remote-debugging-port P] [--init-script JS] [--stop-when JS]", io)
	url := fs.String("url", "", "the page the task starts on (http, https or file)")
	out := fs.String("out", "", "where to write the recording (JSON)")
	headless := fs.Bool("headless", false, "run Chromium without a window (for another program to drive it)")
	port := fs.Int("remote-debugging-port", 0, "open the DevTools protocol on 127.0.0.1:`P`, so another program can drive the recorded tab with trusted input")
	initScript := fs.String("init-script", "", "JavaScript run in the page after it loads, before recording starts; @FILE reads it from a file")
	stopWhen := fs.String("stop-when", "", "JavaScript expression: stop recording when it is true (polled); without it, when the tab is closed")
	keep := fs.Bool("keep-values", false, "make every typed value (never a sensitive field's) a parameter that keeps it, and keep field values in the outlines")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up when the recording has not ended by then")
	browser := fs.String("browser", recorder.DefaultBrowser, "the Chromium to run")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case *url == "":
		return fmt.Errorf("%w: --url is required", errUsage)
	case *out == "":
		return fmt.Errorf("%w: --out is required", errUsage)
	case *port < 0 || *port > 65535:
		return fmt.Errorf("%w: --remote-debugging-port %d is not a port", errUsage, *port)
	}
	if err := recorder.CheckURL(*url); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	script := *initScript
	if path, ok := strings.CutPrefix(script, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("--init-script: %w", err)
		}
		script = string(b)
	}
	o := recorder.Options{
		URL: *url, Headless: *headless, DebugPort: *port, InitScript: script, StopWhen: *stopWhen,
		Browser: *browser, Timeout: *timeout, KeepValues: *keep,
		Started: func(tab string) {
			line := "recording " + *url + " in tab " + tab
			if *port > 0 {
				line += fmt.Sprintf(" (DevTools at http://127.0.0.1:%d)", *port)
			}
			switch {
			case *stopWhen != "":
				line += "; stops when " + *stopWhen
			default:
				line += "; close the tab to stop"
			}
			fmt.Fprintln(io.err, line)
		},
	}
	body, err := recorder.Record(ctx, o)
	if err != nil {
		return err
	}
	if err := writeFileAtomically(*out, body); err != nil {
		return err
	}
	rec, err := recording.Parse(body)
	if err != nil {
		return err // Record has parsed it already
	}
	x := rec.Allmende
	fmt.Fprintf(io.out, "wrote %s: %d steps, %d targets, %d outlines, %d masked values, %d parameters\n",
		*out, len(rec.Steps), len(x.Targets), len(x.Outlines), len(x.Masked), len(x.Parameters))
	return nil
}
