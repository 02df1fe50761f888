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
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/extension"
	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
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

// StartTimeout bounds starting the browser, opening the page and running
// the init script.
const StartTimeout = 90 * time.Second

// Record opens Chromium with the recorder extension on o.URL, runs
// o.InitScript after load, records until o.StopWhen is true (polled), the
// tab closes or o.Drive returns, and returns the recording's JSON as the
// review page would upload it (with targets and outlines). With
// o.DebugPort > 0 another program may drive the page over the DevTools
// protocol (trusted input) while it records.
func Record(ctx context.Context, o Options) ([]byte, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	exe := o.Browser
	if exe == "" {
		exe = DefaultBrowser
	}
	if _, err := os.Stat(exe); err != nil {
		return nil, fmt.Errorf("no browser at %s (install Debian's chromium, or give its path): %w", exe, err)
	}
	dir, err := os.MkdirTemp("", "allmende-record-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	extDir := filepath.Join(dir, "extension")
	if err := os.Mkdir(extDir, 0o755); err != nil {
		return nil, err
	}
	if err := extension.Unpack(extDir); err != nil {
		return nil, err
	}
	startCtx, cancelStart := context.WithTimeout(ctx, StartTimeout)
	defer cancelStart()
	b, err := launch(startCtx, o, exe, extDir, filepath.Join(dir, "profile"))
	if err != nil {
		return nil, err
	}
	defer b.close()
	return b.record(ctx, startCtx, o)
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

// browser is a running Chromium with the extension loaded.
type browser struct {
	ctx     context.Context // the first tab, kept on an extension page
	extID   string
	cancels []context.CancelFunc
}

func (b *browser) close() {
	for i := len(b.cancels) - 1; i >= 0; i-- {
		b.cancels[i]()
	}
}

func launch(ctx context.Context, o Options, exe, extDir, profile string) (*browser, error) {
	w, h := o.WindowWidth, o.WindowHeight
	if w <= 0 || h <= 0 {
		w, h = 1280, 800
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", false),
		chromedp.Flag("load-extension", extDir),
		chromedp.Flag("disable-extensions-except", extDir),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(w, h),
	)
	if o.Headless {
		opts = append(opts, chromedp.Flag("headless", "new"))
	} else {
		opts = append(opts, chromedp.Flag("headless", false))
	}
	if o.DebugPort > 0 {
		// A port instead of chromedp's default pipe, so that a second
		// program can connect; chromedp then connects by websocket too.
		opts = append(opts, chromedp.Flag("remote-debugging-port", strconv.Itoa(o.DebugPort)), remote.WebSocket)
	}
	// The browser outlives ctx's end by an orderly close (b.close).
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &browser{ctx: bctx, cancels: []context.CancelFunc{cancelAlloc, cancelBrowser}}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err := <-started:
		if err != nil {
			b.close()
			return nil, fmt.Errorf("starting the browser: %w", err)
		}
	case <-ctx.Done():
		b.close()
		return nil, fmt.Errorf("starting the browser: %w", ctx.Err())
	}
	for b.extID == "" {
		infos, err := chromedp.Targets(bctx)
		if err != nil {
			b.close()
			return nil, err
		}
		for _, info := range infos {
			if info.Type == "service_worker" && strings.HasPrefix(info.URL, "chrome-extension://") &&
				strings.HasSuffix(info.URL, "/background.js") {
				b.extID = strings.TrimSuffix(strings.TrimPrefix(info.URL, "chrome-extension://"), "/background.js")
			}
		}
		if b.extID != "" {
			break
		}
		select {
		case <-ctx.Done():
			b.close()
			return nil, fmt.Errorf("the recorder extension did not start: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The control page: an extension page, where the extension's APIs
	// (chrome.runtime, chrome.tabs, its modules) are at hand.
	if err := chromedp.Do(bctx, chromedp.Navigate(b.pageURL("options.html"))); err != nil {
		b.close()
		return nil, fmt.Errorf("opening the recorder's own page: %w", err)
	}
	return b, nil
}

func (b *browser) pageURL(path string) string {
	return "chrome-extension://" + b.extID + "/" + path
}

// control evaluates js on the control page and decodes its awaited result.
func control[T any](ctx context.Context, b *browser, js string) (T, error) {
	return runIn(ctx, b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

type startReply struct {
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
	RecID  string `json:"recId"`
}

// record opens the page, starts recording and waits for its end. startCtx
// bounds the setup, ctx the rest.
func (b *browser) record(ctx, startCtx context.Context, o Options) ([]byte, error) {
	tabCtx, cancelTab := chromedp.NewContext(b.ctx)
	defer cancelTab()
	err := chromedp.Do(tabCtx,
		// In a background tab focus and blur, which end a field's edit,
		// would not happen as they do for a person.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("opening a tab: %w", err)
	}
	tab := chromedp.FromContext(tabCtx).Target
	if _, err := runIn(startCtx, tabCtx, chromedp.Navigate(o.URL)); err != nil {
		return nil, fmt.Errorf("opening %s: %w", o.URL, err)
	}
	if strings.TrimSpace(o.InitScript) != "" {
		if _, err := runIn(startCtx, tabCtx, chromedp.Evaluate[any](o.InitScript, chromedp.EvalAwaitPromise)); err != nil {
			return nil, fmt.Errorf("the init script failed: %w", err)
		}
	}
	tabID, err := b.tabID(startCtx, tab.TargetID.String())
	if err != nil {
		return nil, err
	}
	st, err := control[startReply](startCtx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "start", tabId: %d})`, tabID))
	if err != nil {
		return nil, fmt.Errorf("starting the recorder: %w", err)
	}
	if !st.OK {
		return nil, fmt.Errorf("the recorder refused to record %s: %s", o.URL, st.Reason)
	}
	if err := b.waitActive(startCtx, tabID); err != nil {
		return nil, err
	}
	if o.Started != nil {
		o.Started(tab.TargetID.String())
	}
	recCtx := ctx
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		recCtx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := b.await(recCtx, tabCtx, tab.TargetID.String(), o); err != nil {
		return nil, err
	}
	// Stopping and reading the recording are bounded by ctx only: the
	// work is done, it must not be lost to the timeout.
	return b.finish(ctx, tabID, st.RecID, o.KeepValues)
}

// runIn runs an action on the tab, giving up when ctx ends.
func runIn[T any](ctx context.Context, tab context.Context, a chromedp.Action[T]) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := chromedp.Run(tab, a)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// tabID finds the extension API's id of the tab with DevTools target id
// target: the one tab whose URL is the page's and that is not the control
// page. chrome.tabs knows no target ids, so the URL and a marker name tell.
func (b *browser) tabID(ctx context.Context, target string) (int, error) {
	js := `chrome.tabs.query({}).then(ts => ts.filter(t => !t.url.startsWith("chrome-extension://")).map(t => t.id))`
	ids, err := control[[]int](ctx, b, js)
	if err != nil {
		return 0, fmt.Errorf("finding the tab: %w", err)
	}
	if len(ids) != 1 {
		return 0, fmt.Errorf("finding the tab: %d tabs are open, want the one being recorded", len(ids))
	}
	return ids[0], nil
}

type status struct {
	OK       bool   `json:"ok"`
	State    string `json:"state"`
	Outlines int    `json:"outlines"`
	Active   bool   `json:"active"`
}

// waitActive waits until the page's content script records and has
// reported the page's first outline, so that the first action is neither
// lost nor ahead of the outline of the page it acted on.
func (b *browser) waitActive(ctx context.Context, tabID int) error {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		st, err := control[status](ctx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "status", tabId: %d})`, tabID))
		if err != nil {
			return fmt.Errorf("asking the recorder: %w", err)
		}
		if st.State != "recording" {
			return fmt.Errorf("the recorder is %s, not recording", st.State)
		}
		if st.Active && st.Outlines > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Millisecond):
		}
	}
	return nil // a page that never finishes loading: record without its outline
}

// await waits until the recording should stop.
func (b *browser) await(ctx context.Context, tabCtx context.Context, target string, o Options) error {
	poll := o.PollInterval
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	driven := make(chan error, 1)
	if o.Drive != nil {
		go func() { driven <- o.Drive(tabCtx) }()
	}
	stopWhen := strings.TrimSpace(o.StopWhen)
	var lastErr error
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case err := <-driven:
			if err != nil {
				return fmt.Errorf("driving the page: %w", err)
			}
			if stopWhen == "" {
				return nil
			}
			driven = nil
		case <-ctx.Done():
			switch {
			case !errors.Is(ctx.Err(), context.DeadlineExceeded):
				return ctx.Err()
			case stopWhen != "" && lastErr != nil:
				return fmt.Errorf("%w: --stop-when %q was never true (last error: %v)", ErrTimeout, stopWhen, lastErr)
			case stopWhen != "":
				return fmt.Errorf("%w: --stop-when %q was never true", ErrTimeout, stopWhen)
			default:
				return fmt.Errorf("%w: the tab was not closed", ErrTimeout)
			}
		case <-tick.C:
		}
		open, err := tabOpen(b.ctx, target)
		if err != nil {
			return err
		}
		if !open {
			return nil
		}
		if stopWhen != "" {
			done, err := runIn(ctx, tabCtx, chromedp.Evaluate[bool]("!!("+stopWhen+"\n)", chromedp.EvalAwaitPromise))
			switch {
			case err == nil && done:
				return nil
			case err != nil && ctx.Err() == nil:
				lastErr = err // a page between two loads cannot answer; try again
			}
		}
	}
}

func tabOpen(bctx context.Context, target string) (bool, error) {
	infos, err := chromedp.Targets(bctx)
	if err != nil {
		return false, fmt.Errorf("listing the tabs: %w", err)
	}
	for _, info := range infos {
		if info.TargetID.String() == target {
			return true, nil
		}
	}
	return false, nil
}

// finish stops the recording (when the tab is still open) and returns the
// JSON the review page would upload.
func (b *browser) finish(ctx context.Context, tabID int, recID string, keep bool) ([]byte, error) {
	// Stopping an already stopped recording (the tab was closed) is
	// refused; the recording is there all the same.
	if _, err := control[startReply](ctx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "stop", tabId: %d})`, tabID)); err != nil {
		return nil, fmt.Errorf("stopping the recorder: %w", err)
	}
	js := fmt.Sprintf(`(async () => {
		const m = await import("./recording.js");
		for (let i = 0; i < 100; i++) {
			const rec = await m.loadRecording(%q);
			if (rec && rec.state === "stopped") {
				if (%t) m.keepAllValues(rec);
				return m.uploadText(rec);
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		return "";
	})()`, recID, keep)
	text, err := control[string](ctx, b, js)
	if err != nil {
		return nil, fmt.Errorf("reading the recording: %w", err)
	}
	if text == "" {
		return nil, errors.New("the recorder did not stop")
	}
	body := []byte(text)
	if _, err := recording.Parse(body); err != nil {
		return body, fmt.Errorf("the recording does not parse: %w", err)
	}
	return body, nil
}
