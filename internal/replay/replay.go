package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/recording"
)

// DefaultStepTimeout is how long a step may wait for its element or
// navigation when neither the step nor the recording says, as in
// @puppeteer/replay.
const DefaultStepTimeout = 5 * time.Second

// DefaultExecPath is where Debian installs Chromium.
const DefaultExecPath = "/usr/bin/chromium"

// Options tune a replay.
type Options struct {
	// StepTimeout is how long a step may wait; a step's or the recording's
	// own timeout comes first. Default DefaultStepTimeout.
	StepTimeout time.Duration
	// Headful shows the browser window (Run only); it needs a display.
	Headful bool
	// ExecPath is the browser Run starts. Default DefaultExecPath.
	ExecPath string
	// Log, if set, is called with each step's result as soon as it is
	// known, skipped steps included.
	Log func(StepResult)
	// Report is a JavaScript expression evaluated, once every step has
	// succeeded, on the page the replay ended on (see runner.report); its
	// value, as JSON, is Result.Report. It reads what a flow ended with —
	// a tracking number, a confirmation — the way actor.Options.Report
	// does for a learned program.
	Report string
}

// Step statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// StepResult is what happened to one step.
type StepResult struct {
	Index  int    `json:"index"` // 0-based
	Type   string `json:"type"`
	Status string `json:"status"` // "ok", "failed" or "skipped"
	// Selector is the alternative that found the element, for steps that
	// act on one.
	Selector string        `json:"selector,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Result is the outcome of a replay.
type Result struct {
	Steps []StepResult `json:"steps"`
	OK    bool         `json:"ok"`
	// FailedStep is the index of the step that failed, -1 if none did.
	FailedStep int `json:"failed_step"`
	// Report is the value of Options.Report after a replay whose steps
	// all succeeded (empty otherwise); ReportError says why it could not
	// be read (the expression threw, the page went away). The steps'
	// outcome stands either way: OK is theirs.
	Report      json.RawMessage `json:"report,omitempty"`
	ReportError string          `json:"report_error,omitempty"`
}

// Run replays rec in a browser of its own, which it starts and stops.
//
// Run returns an error only when the replay cannot start: rec cannot be
// replayed as it is (see Check), or the browser does not start. What
// happens to the steps — a missing element, a page that navigates away, a
// browser that dies — is in Result: the step fails with a message saying
// what it tried, and the steps after it are skipped.
func Run(ctx context.Context, rec recording.Recording, opts Options) (Result, error) {
	if err := Check(rec); err != nil {
		return Result{FailedStep: -1}, err
	}
	exe := opts.ExecPath
	if exe == "" {
		exe = DefaultExecPath
	}
	if _, err := os.Stat(exe); err != nil {
		return Result{FailedStep: -1}, fmt.Errorf("no browser at %s (install Debian's chromium, or set the path): %w", exe, err)
	}
	dir, err := os.MkdirTemp("", "allmende-replay-")
	if err != nil {
		return Result{FailedStep: -1}, err
	}
	defer os.RemoveAll(dir)
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 720),
	)
	if opts.Headful {
		allocOpts = append(allocOpts, chromedp.Flag("headless", false))
	} else {
		allocOpts = append(allocOpts, chromedp.Flag("headless", "new"))
	}
	// The browser's life is bound to a context that ctx does not end
	// abruptly: the deferred cancel closes it in order.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), allocOpts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browser) }()
	select {
	case err := <-started:
		if err != nil {
			return Result{FailedStep: -1}, fmt.Errorf("starting the browser: %w", err)
		}
	case <-ctx.Done():
		return Result{FailedStep: -1}, fmt.Errorf("starting the browser: %w", ctx.Err())
	}
	return RunIn(ctx, browser, rec, opts)
}

// RunIn replays rec in a new page of a browser that is already running:
// browser is a chromedp context that has started one (chromedp.Do on it
// has returned). The page opens in a fresh browser context, so that
// replays share no cookies or storage with each other, and closes when the
// replay ends. Several RunIn may share a browser at once.
func RunIn(ctx context.Context, browser context.Context, rec recording.Recording, opts Options) (Result, error) {
	if err := Check(rec); err != nil {
		return Result{FailedStep: -1}, err
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	r := &runner{rec: rec, opts: opts, browser: browser, popups: map[string]*tab{}}
	openCtx, cancelOpen := context.WithTimeout(ctx, 30*time.Second)
	main, err := openTab(openCtx, browser, "", recording.TargetMain)
	cancelOpen()
	if err != nil {
		return Result{FailedStep: -1}, fmt.Errorf("%w%s", err, exitNote(err))
	}
	r.main = main
	defer r.closeAll()
	if x := rec.Allmende; x != nil && x.Viewport.Width >= 1 && x.Viewport.Height >= 1 &&
		(len(rec.Steps) == 0 || rec.Steps[0].Type != recording.StepSetViewport) {
		// A recording from Allmende's extension knows its window size even
		// when it does not start with a setViewport step.
		vctx, cancel := context.WithTimeout(main.ctx, 5*time.Second)
		_, _ = chromedp.Call(vctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(x.Viewport.Width), Height: int64(x.Viewport.Height),
		})
		cancel()
	}
	res := r.run(ctx)
	if res.OK && opts.Report != "" {
		v, err := r.report(ctx)
		if err != nil {
			res.ReportError = err.Error() + exitNote(err)
		}
		res.Report = v
	}
	return res, nil
}

// Check reports why rec cannot be replayed as it is: parameters not bound
// and masked steps (recording.Recording.CheckBound), custom steps, and keys
// the replay does not know. It returns nil or *recording.Errors.
func Check(rec recording.Recording) error {
	var list []recording.StepError
	if err := rec.CheckBound(); err != nil {
		var errs *recording.Errors
		if !errors.As(err, &errs) {
			return err
		}
		list = append(list, errs.List...)
	}
	for i, s := range rec.Steps {
		switch s.Type {
		case recording.StepCustom:
			list = append(list, recording.StepError{Step: i, Type: s.Type, Message: fmt.Sprintf(
				"custom step %q needs the Recorder extension that wrote it; Allmende's replay cannot run it", s.Name)})
		case recording.StepKeyDown, recording.StepKeyUp:
			if _, ok := keys[s.Key]; !ok {
				list = append(list, recording.StepError{Step: i, Type: s.Type, Field: "key", Message: fmt.Sprintf("%q is not a key of the US keyboard layout", s.Key)})
			}
		case "":
			list = append(list, recording.StepError{Step: i, Field: "type", Message: "missing"})
		}
		for j, sel := range s.Selectors {
			if _, err := segments(sel); err != nil {
				list = append(list, recording.StepError{Step: i, Type: s.Type, Field: fmt.Sprintf("selectors[%d]", j), Message: err.Error()})
			}
		}
	}
	if len(list) > 0 {
		return &recording.Errors{List: list}
	}
	return nil
}

// runner replays one recording. It runs on one goroutine.
type runner struct {
	rec     recording.Recording
	opts    Options
	browser context.Context
	main    *tab
	popups  map[string]*tab // by the Target of the steps that use them
	closed  map[string]int  // targets a close step closed, and which step
	// modifiers are the modifier keys held down by keyDown steps.
	modifiers int64
	// last is the page the last step that ran acted on.
	last *tab
	// index and timeout are the current step's.
	index   int
	timeout time.Duration
}

func (r *runner) run(ctx context.Context) Result {
	res := Result{FailedStep: -1, Steps: make([]StepResult, 0, len(r.rec.Steps))}
	for i, s := range r.rec.Steps {
		sr := StepResult{Index: i, Type: s.Type, Status: StatusSkipped}
		if res.FailedStep < 0 {
			r.index = i
			start := time.Now()
			sel, err := r.step(ctx, s)
			sr.Duration = time.Since(start)
			sr.Selector = sel
			if err != nil {
				sr.Status, sr.Error = StatusFailed, err.Error()+exitNote(err)
				res.FailedStep = i
			} else {
				sr.Status = StatusOK
			}
		}
		res.Steps = append(res.Steps, sr)
		if r.opts.Log != nil {
			r.opts.Log(sr)
		}
	}
	res.OK = res.FailedStep < 0
	return res
}

// stepTimeout is a step's own timeout, else the recording's, else the
// option's.
func (r *runner) stepTimeout(s recording.Step) time.Duration {
	switch {
	case s.Timeout > 0:
		return time.Duration(s.Timeout) * time.Millisecond
	case r.rec.Timeout > 0:
		return time.Duration(r.rec.Timeout) * time.Millisecond
	}
	return r.opts.StepTimeout
}

// step runs one step within its timeout and returns the selector that
// found its element, if any.
func (r *runner) step(ctx context.Context, s recording.Step) (string, error) {
	r.timeout = r.stepTimeout(s)
	t, err := r.tabFor(ctx, s)
	if err != nil {
		return "", err
	}
	r.last = t
	// Step contexts derive from the tab's chromedp context, and end with
	// the caller's ctx too.
	sctx, cancel := context.WithTimeout(t.ctx, r.timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	defer r.release(t)

	sel, err := r.act(sctx, t, s)
	if err != nil {
		if ctx.Err() != nil {
			return sel, fmt.Errorf("stopped: %w", context.Cause(ctx))
		}
		if t.crashed() {
			return sel, errors.New("the page crashed")
		}
		if t.ctx.Err() != nil {
			// The tab's context ended though the caller's did not: the
			// browser exited or was closed under the replay.
			return sel, fmt.Errorf("the browser went away during the step (it crashed or was closed): %w", err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			if msg := err.Error(); msg != context.DeadlineExceeded.Error() {
				return sel, fmt.Errorf("timed out after %v (%s)", r.timeout, strings.TrimSuffix(msg, ": "+context.DeadlineExceeded.Error()))
			}
			return sel, fmt.Errorf("timed out after %v", r.timeout)
		}
		return sel, err
	}
	return sel, nil
}

// release frees the remote objects the step made.
func (r *runner) release(t *tab) {
	if t.closed || t.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(t.ctx, time.Second)
	defer cancel()
	_, _ = chromedp.Call(ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: objectGroup})
}

// tabFor returns the page a step acts on: the main page, or a page the
// flow opened whose URL is the step's target, waiting for it to open.
func (r *runner) tabFor(ctx context.Context, s recording.Step) (*tab, error) {
	if s.IsMain() {
		if r.main.closed {
			return nil, fmt.Errorf("the main page was closed by step %d", r.closed[recording.TargetMain])
		}
		return r.main, nil
	}
	if t, ok := r.popups[s.Target]; ok && !t.closed {
		return t, nil
	}
	if i, ok := r.closed[s.Target]; ok {
		return nil, fmt.Errorf("the page %s was closed by step %d", s.Target, i)
	}
	wctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	var id target.ID
	for id == "" {
		infos, err := chromedp.Targets(r.main.ctx)
		if err != nil {
			return nil, fmt.Errorf("looking for the page %s: %w", s.Target, err)
		}
		ours := map[target.ID]bool{r.main.id: true}
		for _, p := range r.popups {
			ours[p.id] = true
		}
		for _, info := range infos {
			if info.Type == "page" && !ours[info.TargetID] && sameURL(info.URL, s.Target) &&
				(ours[info.OpenerID] || info.BrowserContextID != "" && info.BrowserContextID == chromedp.FromContext(r.main.ctx).BrowserContextID) {
				id = info.TargetID
				break
			}
		}
		if id != "" {
			break
		}
		select {
		case <-wctx.Done():
			return nil, fmt.Errorf("no page with the URL %s opened within %v", s.Target, r.timeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t, err := openTab(wctx, r.browser, id, s.Target)
	if err != nil {
		return nil, fmt.Errorf("attaching to the page %s: %w", s.Target, err)
	}
	r.popups[s.Target] = t
	return t, nil
}

// closeAll closes the pages the replay opened or attached to.
func (r *runner) closeAll() {
	for _, p := range r.popups {
		p.cancel()
	}
	r.main.cancel()
}

// closeTab runs a close step.
func (r *runner) closeTab(t *tab, s recording.Step) {
	t.cancel()
	t.closed = true
	if r.closed == nil {
		r.closed = map[string]int{}
	}
	key := s.Target
	if s.IsMain() {
		key = recording.TargetMain
	}
	r.closed[key] = r.index
}

// exitNote adds what the browser process said when it died, if it did.
func exitNote(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) && !strings.Contains(err.Error(), exit.String()) {
		return " (the browser exited: " + exit.String() + ")"
	}
	return ""
}

// sameURL reports whether two URLs name the same page, whatever the
// encoding of their query: a form that sends "Bad Homburg" gives
// "Bad+Homburg" where a parameter's value gives "Bad%20Homburg".
func sameURL(a, b string) bool {
	if a == b {
		return true
	}
	ua, errA := parseURL(a)
	ub, errB := parseURL(b)
	if errA != nil || errB != nil {
		return false
	}
	return ua == ub
}
