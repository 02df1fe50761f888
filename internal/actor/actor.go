// Package actor runs a learned program (internal/program) in Chromium: at
// each step it captures the live page's outline (replay.CaptureOutline,
// or the last capture again when the run has not acted since and the page
// says nothing changed: replay.Unchanged), evaluates the step's query over
// it, and acts on the one node found with
// the replay engine's real input events (replay.ClickNode, TypeNode, …).
// A query that matches nothing, or several elements where one is meant,
// fails the step with the reason once the step's time is up: the actor
// never acts on an element the program does not single out. Frames and
// open shadow roots are part of the outline, so their elements are found
// like any other.
//
// The run loop is the "observe, ground, act" cycle of web agents (Zheng
// et al., "GPT-4V(ision) is a generalist web agent, if grounded", 2024),
// with the grounding done by the learned query instead of a model.
package actor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// DefaultStepTimeout is how long a step waits for its target when the
// options do not say.
const DefaultStepTimeout = 5 * time.Second

// optionalWait is how long an optional step looks for its target before
// it is skipped (longer when the demos saw it appear late).
const optionalWait = 700 * time.Millisecond

// poll is how often a waiting step looks at the page again once it has
// waited a while; the first looks come sooner (backoff), as most targets
// show a moment after the action before them (a menu opening, the next
// page), not seconds later.
const poll = 80 * time.Millisecond

// backoff is a waiting step's next pause: 5 ms, doubling up to poll.
type backoff time.Duration

func (b *backoff) next() time.Duration {
	d := max(time.Duration(*b), 5*time.Millisecond)
	*b = backoff(min(2*d, poll))
	return d
}

// Options tune a run.
type Options struct {
	// URL is where the run starts; default the program's Start.
	URL string
	// Params are the program's run parameters.
	Params map[string]string
	// InitScript is JavaScript run in the page once it has loaded, before
	// the first step.
	InitScript string
	// DoneWhen is a JavaScript expression that must become true after the
	// last step for the run to succeed (it is waited for up to
	// StepTimeout).
	DoneWhen string
	// Report is a JavaScript expression whose value (as JSON) is returned
	// in Result.Report after the run, failed or not.
	Report string
	// StepTimeout is how long a step waits for its target. Default
	// DefaultStepTimeout.
	StepTimeout time.Duration
	// Log, if set, gets each step's result as soon as it is known.
	Log func(StepResult)
}

// Step statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// StepResult is what happened to one step. Step names it as the program
// numbers it: "2", or "3.1" for the first step of the loop that is step 3,
// with the item in Item.
type StepResult struct {
	Step   string `json:"step"`
	Action string `json:"action"`
	Item   string `json:"item,omitempty"`
	Status string `json:"status"`
	// Target describes the element acted on ("node 12 (button \"Save\")").
	Target   string        `json:"target,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Result is a run's outcome.
type Result struct {
	Steps []StepResult `json:"steps"`
	OK    bool         `json:"ok"`
	// Failed names the step that failed ("" if none did) and Error says
	// why.
	Failed string `json:"failed,omitempty"`
	Error  string `json:"error,omitempty"`
	// Report is the value of Options.Report after the run.
	Report json.RawMessage `json:"report,omitempty"`
	// Captures counts the times the run read the page's outline; a look
	// at a page that had not changed since the last one reuses it.
	Captures int `json:"captures"`
}

// Run runs prog in a new page of a running browser (browser is a chromedp
// context that has started one), in a fresh browser context so runs share
// no cookies. It returns an error only when the run cannot start (a bad
// program, a missing parameter, no browser); what happens to the steps is
// in Result.
func Run(ctx, browser context.Context, prog program.Program, opts Options) (Result, error) {
	if err := prog.Check(); err != nil {
		return Result{}, fmt.Errorf("the program is not valid: %w", err)
	}
	env, err := prog.Bind(opts.Params)
	if err != nil {
		return Result{}, err
	}
	start := opts.URL
	if start == "" {
		start = prog.Start
	}
	if start == "" {
		return Result{}, errors.New("no URL to start at: give one (the program does not say)")
	}
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	r := &run{ctx: tab, prog: prog, opts: opts, env: env}
	// The first action on a tab opens it, and the tab lives as long as
	// that action's context: open it with the tab's own.
	if err := chromedp.Do(tab); err != nil {
		return Result{}, fmt.Errorf("opening a page: %w", err)
	}
	openCtx, cancelOpen := within(tab, ctx, 30*time.Second)
	err = chromedp.Do(openCtx, chromedp.Navigate(start))
	cancelOpen()
	if err != nil {
		return Result{}, fmt.Errorf("opening %s: %w", start, err)
	}
	if opts.InitScript != "" {
		if _, err := r.eval(ctx, opts.InitScript); err != nil {
			return Result{}, fmt.Errorf("the init script failed: %w", err)
		}
	}
	r.lastAct = time.Now()
	err = r.steps(ctx, prog.Steps, "")
	if err == nil && opts.DoneWhen != "" {
		err = r.doneWhen(ctx)
	}
	res := Result{Steps: r.results, OK: err == nil, Captures: r.captures}
	if err != nil {
		var se *stepError
		if errors.As(err, &se) {
			res.Failed = se.step
		}
		res.Error = err.Error()
	}
	if opts.Report != "" {
		v, rerr := r.eval(ctx, opts.Report)
		if rerr != nil {
			v, _ = json.Marshal("report failed: " + rerr.Error())
		}
		res.Report = v
	}
	return res, nil
}

// within returns a context of the tab that ends after d, or when ctx
// (the caller's) ends.
func within(tab, ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c, cancel := context.WithTimeout(tab, d)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() {
		stop()
		cancel()
	}
}

// run is one run's state.
type run struct {
	ctx     context.Context // the tab
	prog    program.Program
	opts    Options
	env     program.Env
	pages   []recording.Outline // outlines seen so far, latest first
	results []StepResult
	// acted says the run has acted on the page since its latest capture,
	// which may then not be reused even if the page says it is unchanged
	// (an action's effects can come a moment later).
	acted    bool
	captures int
	// justRead says the latest capture was taken to read a step's inputs
	// a moment ago: the step's first look for its target or items uses
	// it as it is, without asking the page.
	justRead bool
	// lastAct is when the run last acted on the page (or opened it): an
	// optional step's target has optionalWait from then to show up.
	lastAct time.Time
	// skipped are the optional steps skipped, latest first, with the
	// inputs they had: if what they act on shows up later and covers a
	// step's target (a banner that comes late), they are done then.
	skipped []skippedStep
	// dismissed counts the dialogs closed by program.Dismissal.
	dismissed int
}

// skippedStep is an optional step skipped.
type skippedStep struct {
	step  program.Step
	label string
	env   program.Env
}

// stepError is a failed step.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return fmt.Sprintf("step %s: %v", e.step, e.err) }
func (e *stepError) Unwrap() error { return e.err }

func (r *run) steps(ctx context.Context, steps []program.Step, prefix string) error {
	for i, s := range steps {
		label := fmt.Sprintf("%s%d", prefix, i+1)
		var err error
		if s.Repeat && i+1 < len(steps) && program.UntilTarget(steps[i+1]) != nil {
			err = r.repeat(ctx, s, program.StopAt(s, steps[i+1]), label)
		} else {
			err = r.step(ctx, s, label)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// repeat does s until the next step's target is on the page: before each
// time it looks for that target, and after each it waits for the page to
// change, so that it never goes past what it is looking for. It stops
// when the target shows, even several times over (the next step then says
// it cannot choose), and gives up when s changed nothing idleRepeats times
// in a row.
func (r *run) repeat(ctx context.Context, s, next program.Step, label string) error {
	began := time.Now()
	res := StepResult{Step: label, Action: s.Action, Item: r.env.Item}
	fail := func(err error) error {
		res.Status, res.Error, res.Duration = StatusFailed, err.Error(), time.Since(began)
		r.log(res)
		return &stepError{label, err}
	}
	idle := 0
	var early backoff // looking again before the first time
	for n := 0; ; n++ {
		o, err := r.capture(ctx)
		if err != nil {
			return fail(err)
		}
		if err := r.prog.Fill(&r.env, next, r.pages); err != nil {
			// Without the next step's inputs there is nothing to stop at.
			return fail(fmt.Errorf("cannot tell when to stop: %w", err))
		}
		until, env := program.UntilTarget(next), r.env
		if next.Target == nil {
			// A loop comes next: stop when its first item's target shows.
			items, err := r.prog.Items(next, o, r.env)
			if err != nil || len(items) == 0 {
				return fail(fmt.Errorf("cannot tell when to stop: the loop after it has no items"))
			}
			env.Item, env.HasItem = items[0], true
			if err := r.prog.Fill(&env, next.Body[0], r.pages); err != nil {
				return fail(fmt.Errorf("cannot tell when to stop: %w", err))
			}
		}
		// Several matches are there too: doing more would not single
		// one out, and the next step says why it cannot choose.
		if len(until.Match(o, env)) >= 1 {
			res.Status, res.Target, res.Duration = StatusOK, fmt.Sprintf("%d times", n), time.Since(began)
			r.log(res)
			return nil
		}
		if n == program.MaxRepeat {
			return fail(fmt.Errorf("done %d times and the next step's target is still not on the page", n))
		}
		// Before the first time, neither what it looks for nor its own
		// target may be there yet (results still loading): look again
		// rather than click past them.
		if _ = r.prog.Fill(&r.env, s, r.pages); n == 0 && s.Target != nil && len(s.Target.Match(o, r.env)) == 0 && time.Since(began) < r.opts.StepTimeout {
			if err := sleep(ctx, early.next()); err != nil {
				return fail(err)
			}
			n--
			continue
		}
		// A count past its number is counted back with the control
		// that counts the other way (the demos all pressed "+").
		step := s.Way(o, r.env)
		step.Repeat = false
		if _, err := r.act(ctx, step, label); err != nil {
			return fail(err)
		}
		before := outlineText(o)
		changed := false
		var b backoff
		for wait := time.Now().Add(1500 * time.Millisecond); time.Now().Before(wait); {
			now, err := r.capture(ctx)
			if err != nil || outlineText(now) != before {
				changed = true
				break
			}
			if err := sleep(ctx, b.next()); err != nil {
				return fail(err)
			}
		}
		if changed {
			idle = 0
		} else if idle++; idle == idleRepeats {
			// A click that changes nothing will not bring the target
			// by being done sixty times more.
			return fail(fmt.Errorf("done %d times, the last %d changed nothing on the page, and the next step's target is still not there", n+1, idle))
		}
	}
}

// idleRepeats is how many times in a row a repeated step may leave the
// page as it was before the run gives up on it.
const idleRepeats = 3

// outlineText is what a page shows, to notice that it changed.
func outlineText(o recording.Outline) string {
	var b strings.Builder
	for _, n := range o.Nodes {
		b.WriteString(n.Name)
		b.WriteByte(1)
		b.WriteString(n.Text)
		b.WriteByte(0)
	}
	return b.String()
}

func (r *run) log(res StepResult) {
	r.results = append(r.results, res)
	if r.opts.Log != nil {
		r.opts.Log(res)
	}
}

// step runs one step, recording its result.
func (r *run) step(ctx context.Context, s program.Step, label string) error {
	began := time.Now()
	res := StepResult{Step: label, Action: s.Action}
	if r.env.HasItem {
		res.Item = r.env.Item
	}
	fail := func(err error) error {
		res.Status, res.Error, res.Duration = StatusFailed, err.Error(), time.Since(began)
		r.log(res)
		return &stepError{label, err}
	}
	if s.Action == program.ActForEach {
		items, err := r.items(ctx, s)
		if err != nil {
			return fail(err)
		}
		res.Status, res.Target, res.Duration = StatusOK, fmt.Sprintf("%d items", len(items)), time.Since(began)
		r.log(res)
		saved := r.env
		for _, it := range items {
			r.env.Item, r.env.HasItem = it, true
			if err := r.steps(ctx, s.Body, label+"."); err != nil {
				return err
			}
		}
		r.env.Item, r.env.HasItem = saved.Item, saved.HasItem
		return nil
	}
	var err error
	switch s.Action {
	case program.ActPress:
		err = r.fill(ctx, s)
		if err == nil {
			r.acted = true
			err = replay.PressKey(r.ctx, s.Key)
			r.lastAct = time.Now()
		}
	case program.ActNavigate:
		err = r.navigate(ctx, s.URL)
	default:
		var target string
		target, err = r.act(ctx, s, label)
		if errors.Is(err, errSkipped) {
			res.Status, res.Duration = StatusSkipped, time.Since(began)
			r.log(res)
			return nil
		}
		res.Target = target
	}
	if err != nil {
		return fail(err)
	}
	res.Status, res.Duration = StatusOK, time.Since(began)
	r.log(res)
	return nil
}

// errSkipped marks an optional step whose target is not there.
var errSkipped = errors.New("skipped")

// capture reads the page's outline and remembers it for inputs read later.
// The latest capture is used again when the run has not acted since and
// the page says nothing has changed (replay.Unchanged): a step that reads
// its inputs and then looks for its target, or a loop that reads its
// items, looks at the page once.
func (r *run) capture(ctx context.Context) (recording.Outline, error) {
	just := r.justRead
	r.justRead = false
	if just && !r.acted && len(r.pages) > 0 {
		return r.pages[0], nil
	}
	c, cancel := within(r.ctx, ctx, r.opts.StepTimeout)
	defer cancel()
	if !r.acted && len(r.pages) > 0 {
		if same, err := replay.Unchanged(c, r.pages[0]); err == nil && same {
			return r.pages[0], nil
		}
	}
	r.acted = false
	r.captures++
	o, err := replay.CaptureOutline(c)
	if err != nil {
		return o, err
	}
	if len(r.pages) > 0 && r.pages[0].URL == o.URL {
		r.pages[0] = o
	} else {
		r.pages = append([]recording.Outline{o}, r.pages...)
		if len(r.pages) > 8 {
			r.pages = r.pages[:8]
		}
	}
	return o, nil
}

// fill reads the inputs step needs from the page, waiting for them.
func (r *run) fill(ctx context.Context, s program.Step) error {
	if len(s.Needs()) == 0 {
		return nil
	}
	deadline := time.Now().Add(r.opts.StepTimeout)
	var b backoff
	for {
		if _, err := r.capture(ctx); err != nil {
			return err
		}
		err := r.prog.Fill(&r.env, s, r.pages)
		if err == nil {
			r.justRead = true
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, b.next()); err != nil {
			return err
		}
	}
}

// items returns a forEach step's items, read from the page as it is now.
func (r *run) items(ctx context.Context, s program.Step) ([]string, error) {
	if err := r.fill(ctx, s); err != nil {
		return nil, err
	}
	o, err := r.capture(ctx)
	if err != nil {
		return nil, err
	}
	return r.prog.Items(s, o, r.env)
}

// act finds the step's one target and acts on it. It looks again until
// the step's time is up while the page shows no match, several, or an
// element that is covered, disabled or still moving; then it fails with
// the reason.
func (r *run) act(ctx context.Context, s program.Step, label string) (string, error) {
	if err := r.fill(ctx, s); err != nil {
		return "", err
	}
	wait := r.opts.StepTimeout
	if s.Optional {
		wait = optionalWait
		if s.Late {
			wait = 3 * optionalWait
		}
	}
	began := time.Now()
	deadline := began.Add(wait)
	if s.Optional && !r.lastAct.IsZero() {
		// A dialog or banner comes within a moment of what brought it
		// (the page opening, the click before): that moment counts from
		// the run's last action, not from this step.
		deadline = later(r.lastAct.Add(wait), began)
	}
	var b backoff
	var last error
	for {
		o, err := r.capture(ctx)
		if err != nil {
			return "", err
		}
		refs := s.Target.Match(o, r.env)
		switch len(refs) {
		case 0:
			last = fmt.Errorf("nothing on the page is %s", s.DescribeTarget())
			if s.Optional && time.Now().After(deadline) {
				r.skipped = append([]skippedStep{{step: s, label: label, env: r.env}}, r.skipped...)
				return "", errSkipped
			}
			if s.Scroll {
				// The demos scrolled to the target: a list that loads
				// more as it scrolls may hold it further down.
				if moved, err := r.eval(ctx, scrollJS); err == nil && string(moved) == "true" && time.Since(began) < 6*wait {
					deadline = later(deadline, time.Now().Add(poll*10))
				}
			}
		case 1:
			target := describe(o, refs[0])
			err := r.do(ctx, s, o, refs[0])
			if err == nil {
				return target, nil
			}
			last = err
			if strings.Contains(err.Error(), "covered by") && !r.doSkipped(ctx, o) && !r.dismiss(ctx, o, refs[0], label, err, &last) {
				// Clipped by a scrolled list it is in: bring it into
				// that list's view (the replay scrolls the page only).
				r.reveal(ctx, o, refs[0])
			}
		default:
			var names []string
			for _, ref := range refs[:min(3, len(refs))] {
				names = append(names, describe(o, ref))
			}
			last = fmt.Errorf("%d elements are %s (%s…); the program does not say which, so none was touched", len(refs), s.DescribeTarget(), strings.Join(names, ", "))
		}
		if time.Now().After(deadline) {
			return "", last
		}
		if err := sleep(ctx, b.next()); err != nil {
			return "", last
		}
	}
}

// doSkipped does the latest optional step skipped whose target is
// now on the page as one element, and says whether it did one: the
// element that covers a step's target is then, most likely, the banner or
// dialog that step closes.
func (r *run) doSkipped(ctx context.Context, o recording.Outline) bool {
	for i, sk := range r.skipped {
		env := sk.env
		if r.prog.Fill(&env, sk.step, r.pages) != nil {
			continue
		}
		refs := sk.step.Target.Match(o, env)
		if len(refs) != 1 {
			continue
		}
		began := time.Now()
		saved := r.env
		r.env = env
		err := r.do(ctx, sk.step, o, refs[0])
		r.env = saved
		res := StepResult{Step: sk.label, Action: sk.step.Action, Target: describe(o, refs[0]) + " (it came late)", Status: StatusOK, Duration: time.Since(began)}
		if err != nil {
			res.Status, res.Error = StatusFailed, err.Error()
		}
		r.log(res)
		r.skipped = append(r.skipped[:i], r.skipped[i+1:]...)
		return err == nil
	}
	return false
}

// dismiss closes the dialog that covers node ref of o, when the program
// says to (program.Dismissal's rule), and says whether it clicked one of
// its buttons; when the rule finds none, *last says why. A run closes at
// most maxDismissals dialogs.
func (r *run) dismiss(ctx context.Context, o recording.Outline, ref int, label string, covered error, last *error) bool {
	if !r.prog.Dismiss || r.dismissed >= maxDismissals {
		return false
	}
	_, cover, ok := strings.Cut(covered.Error(), "covered by ")
	if !ok {
		return false
	}
	cover, _, _ = strings.Cut(cover, ", which came over it")
	button, why, err := program.Dismissal(o, ref, cover)
	if err != nil {
		*last = err
		return false
	}
	r.dismissed++
	began := time.Now()
	res := StepResult{Step: label, Action: program.ActClick, Target: describe(o, button) + ": " + why, Status: StatusOK}
	err = r.do(ctx, program.Step{Action: program.ActClick}, o, button)
	res.Duration = time.Since(began)
	if err != nil {
		res.Status, res.Error = StatusFailed, err.Error()
	}
	r.log(res)
	return err == nil
}

// maxDismissals bounds the dialogs a run closes by program.Dismissal.
const maxDismissals = 3

// do acts on node ref of o.
func (r *run) do(ctx context.Context, s program.Step, o recording.Outline, ref int) error {
	c, cancel := within(r.ctx, ctx, r.opts.StepTimeout)
	defer cancel()
	r.acted = true
	defer func() { r.lastAct = time.Now() }()
	switch s.Action {
	case program.ActClick:
		return replay.ClickNode(c, o, ref)
	case program.ActDoubleClick:
		return replay.DoubleClickNode(c, o, ref)
	case program.ActHover:
		return replay.HoverNode(c, o, ref)
	case program.ActCheck, program.ActUncheck:
		return replay.CheckNode(c, o, ref, s.Action == program.ActCheck)
	case program.ActType, program.ActSelect:
		v, err := s.Value.Resolve(r.env)
		if err != nil {
			return err
		}
		if s.Action == program.ActSelect {
			return replay.SelectNode(c, o, ref, v)
		}
		return replay.TypeNode(c, o, ref, v)
	}
	return fmt.Errorf("unknown action %q", s.Action)
}

// reveal scrolls every scrolled box an element is in so that it shows.
func (r *run) reveal(ctx context.Context, o recording.Outline, ref int) {
	c, cancel := within(r.ctx, ctx, r.opts.StepTimeout)
	defer cancel()
	r.acted = true
	id, err := replay.NodeElement(c, o, ref)
	if err != nil {
		return
	}
	_, _ = chromedp.Call(c, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: `function () { this.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"}); }`,
		ObjectID:            id,
	})
	_, _ = chromedp.Call(c, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: replay.NodeObjectGroup})
}

// describe names a node for step results: button "Save".
func describe(o recording.Outline, ref int) string {
	n := o.Nodes[ref]
	kind := n.Role
	if kind == "" {
		kind = n.Tag
	}
	name := n.Name
	if name == "" {
		name = n.Text
	}
	if r := []rune(name); len(r) > 40 {
		name = string(r[:40]) + "…"
	}
	where := ""
	if len(n.Frame) > 0 {
		where = " in a frame"
	}
	if n.Shadow {
		where += " in a shadow root"
	}
	return fmt.Sprintf("%s %q%s", kind, name, where)
}

// navigate goes to a URL, relative to the page's.
func (r *run) navigate(ctx context.Context, to string) error {
	if len(r.pages) > 0 {
		if base, err := url.Parse(r.pages[0].URL); err == nil {
			if u, err := base.Parse(to); err == nil {
				to = u.String()
			}
		}
	}
	c, cancel := within(r.ctx, ctx, 30*time.Second)
	defer cancel()
	r.acted = true
	defer func() { r.lastAct = time.Now() }()
	return chromedp.Do(c, chromedp.Navigate(to))
}

// eval evaluates a JavaScript expression in the page (awaiting a
// promise) and returns its value as JSON.
func (r *run) eval(ctx context.Context, expr string) (json.RawMessage, error) {
	c, cancel := within(r.ctx, ctx, r.opts.StepTimeout)
	defer cancel()
	r.acted = true // the expression may change the page (a scroll, an init script)
	res, err := chromedp.Call(c, runtime.Evaluate, runtime.EvaluateParams{
		Expression:    expr,
		ReturnByValue: new(true),
		AwaitPromise:  new(true),
	})
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails != nil {
		msg := res.ExceptionDetails.Text
		if res.ExceptionDetails.Exception != nil && res.ExceptionDetails.Exception.Description != "" {
			msg = res.ExceptionDetails.Exception.Description
		}
		return nil, errors.New(msg)
	}
	if res.Result.Value == nil {
		return json.RawMessage("null"), nil
	}
	return json.RawMessage(res.Result.Value), nil
}

// doneWhen waits for the DoneWhen expression to be true.
func (r *run) doneWhen(ctx context.Context) error {
	deadline := time.Now().Add(r.opts.StepTimeout)
	var b backoff
	for {
		v, err := r.eval(ctx, "!!("+r.opts.DoneWhen+")")
		if err == nil && string(v) == "true" {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("after the last step, the done-when expression failed: %w", err)
			}
			return fmt.Errorf("after the last step, the done-when expression %s never became true", r.opts.DoneWhen)
		}
		if err := sleep(ctx, b.next()); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// scrollJS scrolls every scrolled list of the page, and the page itself,
// down by most of its height; it returns whether anything moved.
const scrollJS = `(() => {
  let moved = false;
  for (const el of document.querySelectorAll("*")) {
    const st = getComputedStyle(el);
    if ((st.overflowY === "auto" || st.overflowY === "scroll") && el.scrollHeight > el.clientHeight + 4 &&
        el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
      el.scrollTop += Math.max(40, el.clientHeight * 0.8);
      moved = true;
    }
  }
  const se = document.scrollingElement;
  if (se && se.scrollTop + innerHeight < se.scrollHeight - 1) {
    window.scrollBy(0, innerHeight * 0.8);
    moved = true;
  }
  return moved;
})()`

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
