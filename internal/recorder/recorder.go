// Package recorder records browser work the way a member does with the
// Allmende recorder extension, for programs: `allmende record` and the
// practice suite, which make demonstrations for the learner with scripted
// hands.
//
// Record opens Chromium with the extension (package extension, unpacked
// into a temporary folder), opens the page, runs an optional script on it,
// starts recording the tab exactly as the popup's Start button does, lets a
// person — or another program, over the DevTools protocol with trusted
// input — do the task, stops when a condition holds or the tab is closed,
// and returns the document the review page would upload: Chrome DevTools
// Recorder JSON with the "allmende" object (steps, behavioural evidence,
// each step's target and the page outlines; see internal/recording and
// docs/recording.schema.json). Nothing here bypasses the extension's
// privacy rules: sensitive sites are refused, sensitive fields never read,
// typed values masked unless Options.KeepValues does what a member does on
// the review page, making each typed field a parameter that keeps its
// value.
package recorder

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// DefaultBrowser is where Debian installs Chromium.
const DefaultBrowser = "/usr/bin/chromium"

// Options say what to record and when to stop.
type Options struct {
	// URL is the page the recording starts on (http, https or file).
	URL string
	// Headless runs Chromium without a window. Without it a person can do
	// the task in the window that opens.
	Headless bool
	// DebugPort, when above 0, opens Chromium's DevTools protocol on
	// 127.0.0.1:DebugPort, so that another program may drive the recorded
	// tab (Started says which one) with trusted input while it records.
	DebugPort int
	// InitScript is JavaScript run in the page once it has loaded and
	// before recording starts (a promise is awaited): it can set up the
	// instance of a task.
	InitScript string
	// StopWhen is a JavaScript expression, polled on the recorded page
	// every PollInterval; recording stops when it is true. Without it,
	// recording stops when Drive returns or, without Drive, when the tab
	// is closed.
	StopWhen string
	// Browser is the path of Chromium; DefaultBrowser if empty.
	Browser string
	// Timeout bounds how long recording may last, from the moment it
	// starts until StopWhen holds or the tab closes; 0 means no bound but
	// ctx. Starting the browser and opening the page have their own bound
	// (StartTimeout).
	Timeout time.Duration

	// KeepValues makes every typed, non-sensitive field a parameter that
	// keeps what was typed as its default, and keeps field values in the
	// outlines — what a member chooses on the review page when the values
	// are the point of the demonstration. Sensitive fields stay unread.
	KeepValues bool
	// Started, if set, is called once recording has started, with the
	// DevTools target id of the recorded tab.
	Started func(tab string)
	// Drive, if set, is called once recording has started with a chromedp
	// context on the recorded tab, for a program in the same process to do
	// the task with trusted input. Its error ends the recording with that
	// error.
	Drive func(ctx context.Context) error
	// PollInterval is how often StopWhen and the tab are checked; 100 ms
	// if 0.
	PollInterval time.Duration
	// WindowWidth and WindowHeight size the browser window; 1280 × 800 if
	// 0.
	WindowWidth, WindowHeight int
}

// ErrTimeout is returned (wrapped) when the recording did not end within
// Options.Timeout.
var ErrTimeout = errors.New("timed out")

// ErrStopped is returned (wrapped, with the recorder's reason) when the
// recorder stopped on its own: the tab went to a sensitive site.
var ErrStopped = errors.New("the recorder stopped")

// StartTimeout bounds starting the browser, opening the page and running
// the init script.
const StartTimeout = 90 * time.Second

// Record opens Chromium with the recorder extension on o.URL, runs
// o.InitScript after load, records until o.StopWhen is true (polled), the
// tab closes or o.Drive returns, and returns the recording's JSON as the
// review page would upload it (with targets and outlines). With
// o.DebugPort > 0 another program may drive the page over the DevTools
// protocol (trusted input) while it records. The browser is started for
// this recording and closed after it; Launch keeps one for many.
func Record(ctx context.Context, o Options) ([]byte, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	b, err := Launch(ctx, o)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Record(ctx, o)
}

// CheckURL says why raw cannot be the page a recording starts on, or nil.
func CheckURL(raw string) error {
	if raw == "" {
		return errors.New("no URL to record: give the page the task starts on")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("%q has no host", raw)
		}
	case "file":
	default:
		return fmt.Errorf("%q is not an http, https or file URL", raw)
	}
	return nil
}
