package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/recording"
)

// act runs one step on its page and returns the selector that found its
// element, if it acts on one.
func (r *runner) act(ctx context.Context, t *tab, s recording.Step) (string, error) {
	switch s.Type {
	case recording.StepNavigate:
		return "", r.navigate(ctx, t, s)
	case recording.StepClick, recording.StepDoubleClick:
		return r.click(ctx, t, s)
	case recording.StepHover:
		return r.hover(ctx, t, s)
	case recording.StepChange:
		return r.change(ctx, t, s)
	case recording.StepKeyDown, recording.StepKeyUp:
		return "", r.key(ctx, t, s)
	case recording.StepScroll:
		return r.scroll(ctx, t, s)
	case recording.StepSetViewport:
		return "", r.setViewport(ctx, t, s)
	case recording.StepWaitForElement:
		return r.waitForElement(ctx, t, s)
	case recording.StepWaitForExpression:
		return "", r.waitForExpression(ctx, t, s)
	case recording.StepEmulateNetworkConditions:
		return "", r.emulateNetwork(ctx, t, s)
	case recording.StepClose:
		r.closeTab(t, s)
		return "", nil
	case recording.StepCustom:
		return "", fmt.Errorf("custom step %q cannot be replayed", s.Name)
	}
	return "", fmt.Errorf("unknown step type %q", s.Type)
}

func (t *tab) mainFrame() cdp.FrameID {
	t.state.mu.Lock()
	defer t.state.mu.Unlock()
	return t.state.mainFrame
}

// expectsNavigation returns the navigation a step asserts, if any: the
// last, should a step list several (they all wait for the same one).
func expectsNavigation(s recording.Step) (recording.AssertedEvent, bool) {
	for i := len(s.AssertedEvents) - 1; i >= 0; i-- {
		if s.AssertedEvents[i].Type == "navigation" {
			return s.AssertedEvents[i], true
		}
	}
	return recording.AssertedEvent{}, false
}

// afterAction waits for what the action set off: the navigation the step
// asserts, checked against its URL and title, or else any navigation it
// started in the frame, so that the next step does not act on a page that
// is going away.
func (r *runner) afterAction(ctx context.Context, t *tab, frame cdp.FrameID, before navState, s recording.Step) error {
	if ev, ok := expectsNavigation(s); ok {
		return r.waitNavigation(ctx, t, frame, before, ev)
	}
	t.settle(ctx, frame)
	return nil
}

// waitNavigation waits for the frame to navigate after before, to a
// document that has loaded, and checks the asserted URL and title.
func (r *runner) waitNavigation(ctx context.Context, t *tab, frame cdp.FrameID, before navState, ev recording.AssertedEvent) error {
	var url string
	var navigated bool
	err := r.poll(ctx, t, func() (bool, error) {
		t.state.mu.Lock()
		f := t.state.frame(frame)
		navigated = f.sameDocument > before.sameDocument || f.documents > before.documents
		done := f.sameDocument > before.sameDocument || f.documents > before.documents && f.loaded
		url = f.url
		t.state.mu.Unlock()
		if done && ev.URL != "" && !sameURL(url, ev.URL) {
			// A client-side redirect may still follow; wait for it.
			return false, nil
		}
		return done, nil
	})
	switch {
	case err != nil && !errors.Is(err, context.DeadlineExceeded):
		return err
	case err != nil && !navigated:
		return fmt.Errorf("expected a navigation%s, but the page did not navigate within %v", to(ev.URL), r.timeout)
	case err != nil && ev.URL != "" && !sameURL(url, ev.URL):
		return fmt.Errorf("expected a navigation%s, but the page went to %s", to(ev.URL), url)
	case err != nil:
		return fmt.Errorf("the page navigated to %s but did not finish loading within %v", url, r.timeout)
	}
	return r.checkTitle(ctx, t, frame, ev.Title)
}

func to(url string) string {
	if url == "" {
		return ""
	}
	return " to " + url
}

// checkTitle waits for the frame's document to have the asserted title;
// a page may set it after loading.
func (r *runner) checkTitle(ctx context.Context, t *tab, frame cdp.FrameID, want string) error {
	if want == "" {
		return nil
	}
	var got string
	err := r.poll(ctx, t, func() (bool, error) {
		world, err := t.world(ctx, frame)
		if err != nil {
			return false, err
		}
		res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: "document.title", ContextID: world, ReturnByValue: new(true),
		})
		if err != nil {
			return false, err
		}
		got = jsString(res.Result)
		return got == want, nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the page's title is %q, the recording expected %q", got, want)
	}
	return err
}

func (r *runner) navigate(ctx context.Context, t *tab, s recording.Step) error {
	frame := t.mainFrame()
	before := t.state.nav(frame)
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: s.URL})
	if err != nil {
		return fmt.Errorf("navigating to %s: %w", s.URL, err)
	}
	if res.ErrorText != "" {
		return fmt.Errorf("navigating to %s: %s", s.URL, res.ErrorText)
	}
	ev, ok := expectsNavigation(s)
	if !ok {
		ev = recording.AssertedEvent{Type: "navigation"}
	}
	if res.LoaderID == "" {
		// A same-document navigation (only the fragment changed).
		return r.checkTitle(ctx, t, frame, ev.Title)
	}
	err = r.poll(ctx, t, func() (bool, error) {
		t.state.mu.Lock()
		defer t.state.mu.Unlock()
		f := t.state.frame(frame)
		return f.loaderID == res.LoaderID && f.loaded, nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s did not finish loading within %v", s.URL, r.timeout)
	}
	if err != nil {
		return err
	}
	if ev.URL != "" {
		if now := t.state.nav(frame); !sameURL(now.url, ev.URL) {
			// The URL the page ended at after redirects.
			_ = before
			return fmt.Errorf("expected the navigation to end at %s, but the page is at %s", ev.URL, now.url)
		}
	}
	return r.checkTitle(ctx, t, frame, ev.Title)
}

// mouseButtons maps the Recorder's buttons to the protocol's, with the bit
// each sets in "buttons".
var mouseButtons = map[string]struct {
	button input.MouseButton
	bit    int64
}{
	"":          {input.MouseButtonLeft, 1},
	"primary":   {input.MouseButtonLeft, 1},
	"secondary": {input.MouseButtonRight, 2},
	"auxiliary": {input.MouseButtonMiddle, 4},
	"back":      {input.MouseButtonBack, 8},
	"forward":   {input.MouseButtonForward, 16},
}

func (r *runner) click(ctx context.Context, t *tab, s recording.Step) (string, error) {
	offset := [2]float64{s.OffsetX, s.OffsetY}
	el, err := r.waitElement(ctx, t, s, readiness{Visible: true, Enabled: true, Scroll: true, Offset: &offset})
	if err != nil {
		return "", err
	}
	x, y, err := r.point(ctx, t, el, s, &offset)
	if err != nil {
		return el.selector, err
	}
	before := t.state.nav(el.frame)
	count := 1
	if s.Type == recording.StepDoubleClick {
		count = 2
	}
	if err := r.mouseClick(ctx, x, y, s.Button, count, time.Duration(s.Duration*float64(time.Millisecond))); err != nil {
		return el.selector, err
	}
	return el.selector, r.afterAction(ctx, t, el.frame, before, s)
}

// mouseClick moves the mouse to x, y and clicks count times, holding the
// button for hold each time.
func (r *runner) mouseClick(ctx context.Context, x, y float64, button string, count int, hold time.Duration) error {
	b := mouseButtons[button]
	events := []input.DispatchMouseEventParams{{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y, Modifiers: r.modifiers}}
	for n := 1; n <= count; n++ {
		events = append(events,
			input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMousePressed, X: x, Y: y, Button: b.button, Buttons: b.bit, ClickCount: int64(n), Modifiers: r.modifiers},
			input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseReleased, X: x, Y: y, Button: b.button, ClickCount: int64(n), Modifiers: r.modifiers})
	}
	for _, ev := range events {
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, ev); err != nil {
			return fmt.Errorf("mouse %s at %.0f,%.0f: %w", ev.Type, x, y, err)
		}
		if ev.Type == input.DispatchMouseEventTypeMousePressed && hold > 0 {
			if err := sleep(ctx, hold); err != nil {
				return err
			}
		}
	}
	return nil
}

// point returns where to act on an element, in the page's viewport: offset
// from its border box's top-left corner, or its centre.
func (r *runner) point(ctx context.Context, t *tab, el element, s recording.Step, offset *[2]float64) (x, y float64, err error) {
	if len(s.Frame) > 0 {
		// The element's own document scrolled it into view; its frame
		// may still be out of the page's view.
		if _, err := chromedp.Call(ctx, dom.ScrollIntoViewIfNeeded, dom.ScrollIntoViewIfNeededParams{ObjectID: el.id}); err != nil {
			return 0, 0, fmt.Errorf("scrolling %s into view: %w", el.selector, err)
		}
	}
	q, err := chromedp.Call(ctx, dom.GetContentQuads, dom.GetContentQuadsParams{ObjectID: el.id})
	if err != nil {
		return 0, 0, fmt.Errorf("locating %s: %w", el.selector, err)
	}
	for _, quad := range q.Quads {
		if len(quad) != 8 {
			continue
		}
		minX, minY := math.Inf(1), math.Inf(1)
		maxX, maxY := math.Inf(-1), math.Inf(-1)
		for i := 0; i < 8; i += 2 {
			minX, maxX = math.Min(minX, quad[i]), math.Max(maxX, quad[i])
			minY, maxY = math.Min(minY, quad[i+1]), math.Max(maxY, quad[i+1])
		}
		if maxX-minX < 1 || maxY-minY < 1 {
			continue
		}
		if offset != nil {
			return minX + offset[0], minY + offset[1], nil
		}
		return (minX + maxX) / 2, (minY + maxY) / 2, nil
	}
	return 0, 0, fmt.Errorf("%s has no area on the page to act on", el.selector)
}

func (r *runner) hover(ctx context.Context, t *tab, s recording.Step) (string, error) {
	el, err := r.waitElement(ctx, t, s, readiness{Visible: true, Scroll: true})
	if err != nil {
		return "", err
	}
	x, y, err := r.point(ctx, t, el, s, nil)
	if err != nil {
		return el.selector, err
	}
	before := t.state.nav(el.frame)
	if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y, Modifiers: r.modifiers,
	}); err != nil {
		return el.selector, err
	}
	return el.selector, r.afterAction(ctx, t, el.frame, before, s)
}

// prepareJS readies a field for a change step, in Allmende's world (where
// assigning .value reaches the browser's own setter, not a framework's
// wrapper on the page). It returns what is left to do: "typed" (focused,
// contents selected: type the value), "toggle" (click it), "done", or a
// reason it cannot take the value.
const prepareJS = `function (args) {
  const el = this, value = args.value;
  // The element's own window: found from another frame's world, an
  // element of a frame is not an instance of that world's classes.
  const {HTMLSelectElement, HTMLTextAreaElement, HTMLInputElement} = el.ownerDocument.defaultView;
  const fire = () => {
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
  };
  if (el instanceof HTMLSelectElement) {
    const options = [...el.options];
    const option = options.find((o) => o.value === value) ||
      options.find((o) => o.label === value || o.text.trim() === value);
    if (!option) return 'the list has no option ' + JSON.stringify(value);
    if (el.multiple) {
      for (const o of options) o.selected = o === option;
    } else {
      el.value = option.value;
    }
    fire();
    return 'done';
  }
  const typeable = ['text', 'search', 'url', 'tel', 'password', 'email', 'number'];
  if (el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && typeable.includes(el.type))) {
    el.focus();
    el.select();
    return 'typed';
  }
  if (el instanceof HTMLInputElement) {
    if (el.type === 'checkbox' || el.type === 'radio') {
      const want = !['', 'false', 'off'].includes(value);
      if (el.checked === want) return 'done';
      if (!want && el.type === 'radio') return 'a radio button cannot be unchecked';
      return 'toggle';
    }
    if (el.type === 'file') return 'a file input cannot be filled in by a replay';
    el.focus();
    el.value = value;
    if (el.value !== value && value !== '') return 'the field did not take the value ' + JSON.stringify(value);
    fire();
    return 'done';
  }
  if (el.isContentEditable) {
    el.focus();
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    const sel = el.ownerDocument.defaultView.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return 'typed';
  }
  return 'the element (' + el.localName + ') is not a field that takes a value';
}`

// change puts the step's value into a field the way a person would: a
// text field is focused, its contents selected and the value typed over
// them (Input.insertText, so the page sees trusted beforeinput and input
// events and frameworks that track a field's value, React's included,
// notice); a list selects the option; a checkbox or radio button is
// clicked when it is not in the wanted state.
func (r *runner) change(ctx context.Context, t *tab, s recording.Step) (string, error) {
	el, err := r.waitElement(ctx, t, s, readiness{Visible: true, Enabled: true, Scroll: true})
	if err != nil {
		return "", err
	}
	before := t.state.nav(el.frame)
	if err := r.fill(ctx, t, el, s, s.Value); err != nil {
		return el.selector, err
	}
	return el.selector, r.afterAction(ctx, t, el.frame, before, s)
}

// fill puts value into the field el as change describes; s gives the
// element's frame.
func (r *runner) fill(ctx context.Context, t *tab, el element, s recording.Step, value string) error {
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: prepareJS,
		ObjectID:            el.id,
		Arguments:           []*runtime.CallArgument{jsonArg(map[string]string{"value": value})},
		ReturnByValue:       new(true),
	})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return exceptionError(res.ExceptionDetails)
	}
	switch todo := jsString(res.Result); todo {
	case "done":
	case "typed":
		if value == "" {
			// Delete the selected contents, as a person would.
			return r.press(ctx, keys["Delete"])
		}
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: value}); err != nil {
			return fmt.Errorf("typing into %s: %w", el.selector, err)
		}
	case "toggle":
		x, y, err := r.point(ctx, t, el, s, nil)
		if err != nil {
			return err
		}
		return r.mouseClick(ctx, x, y, "", 1, 0)
	default:
		return fmt.Errorf("%s: %s", el.selector, todo)
	}
	return nil
}

// key sends a keyDown or keyUp step's key to the page, with the modifier
// keys held by earlier steps, as Puppeteer's keyboard does.
func (r *runner) key(ctx context.Context, t *tab, s recording.Step) error {
	k, ok := keys[s.Key]
	if !ok {
		return fmt.Errorf("%q is not a key of the US keyboard layout", s.Key)
	}
	frame := t.mainFrame()
	before := t.state.nav(frame)
	var err error
	if s.Type == recording.StepKeyDown {
		err = r.keyDown(ctx, k)
	} else {
		err = r.keyUp(ctx, k)
	}
	if err != nil {
		return err
	}
	return r.afterAction(ctx, t, frame, before, s)
}

func (r *runner) keyDown(ctx context.Context, k keyDef) error {
	r.modifiers |= modifierBit(k.key)
	key, text := k.key, k.text
	if r.modifiers&modShift != 0 && k.shifted != "" {
		key, text = k.shifted, k.shifted
	}
	if r.modifiers&^modShift != 0 {
		// A shortcut (Ctrl+K) types nothing.
		text = ""
	}
	typ := input.DispatchKeyEventTypeKeyDown
	if text == "" {
		typ = input.DispatchKeyEventTypeRawKeyDown
	}
	_, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
		Type: typ, Modifiers: r.modifiers, Key: key, Code: k.code, Text: text, UnmodifiedText: text,
		WindowsVirtualKeyCode: k.keyCode, Location: k.location, IsKeypad: new(k.location == 3),
	})
	if err != nil {
		return fmt.Errorf("key %q down: %w", k.key, err)
	}
	return nil
}

func (r *runner) keyUp(ctx context.Context, k keyDef) error {
	r.modifiers &^= modifierBit(k.key)
	key := k.key
	if r.modifiers&modShift != 0 && k.shifted != "" {
		key = k.shifted
	}
	_, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
		Type: input.DispatchKeyEventTypeKeyUp, Modifiers: r.modifiers, Key: key, Code: k.code,
		WindowsVirtualKeyCode: k.keyCode, Location: k.location,
	})
	if err != nil {
		return fmt.Errorf("key %q up: %w", k.key, err)
	}
	return nil
}

// press presses and releases a key.
func (r *runner) press(ctx context.Context, k keyDef) error {
	if err := r.keyDown(ctx, k); err != nil {
		return err
	}
	return r.keyUp(ctx, k)
}

// scroll scrolls an element, or the frame's window, to the step's x and y,
// as @puppeteer/replay does (by setting the offsets; the page still gets
// its scroll events).
func (r *runner) scroll(ctx context.Context, t *tab, s recording.Step) (string, error) {
	var x, y float64
	if s.X != nil {
		x = *s.X
	}
	if s.Y != nil {
		y = *s.Y
	}
	const scrollJS = `function ({x, y}) {
  if (this instanceof Element) { this.scrollLeft = x; this.scrollTop = y; }
  else { window.scroll(x, y); }
}`
	params := runtime.CallFunctionOnParams{FunctionDeclaration: scrollJS, Arguments: []*runtime.CallArgument{jsonArg(map[string]float64{"x": x, "y": y})}}
	var sel string
	var frame cdp.FrameID
	if len(s.Selectors) > 0 {
		el, err := r.waitElement(ctx, t, s, readiness{Visible: true})
		if err != nil {
			return "", err
		}
		params.ObjectID, sel, frame = el.id, el.selector, el.frame
	} else {
		err := r.poll(ctx, t, func() (bool, error) {
			f, err := t.frameID(ctx, s.Frame)
			if err != nil {
				return false, err
			}
			world, err := t.world(ctx, f)
			if err != nil {
				return false, err
			}
			params.ExecutionContextID, frame = world, f
			return true, nil
		})
		if err != nil {
			return "", err
		}
	}
	before := t.state.nav(frame)
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, params)
	if err != nil {
		return sel, fmt.Errorf("scrolling: %w", err)
	}
	if res.ExceptionDetails != nil {
		return sel, exceptionError(res.ExceptionDetails)
	}
	return sel, r.afterAction(ctx, t, frame, before, s)
}

func (r *runner) setViewport(ctx context.Context, t *tab, s recording.Step) error {
	orientation := &emulation.ScreenOrientation{Type: emulation.ScreenOrientationTypePortraitPrimary}
	if s.IsLandscape {
		orientation = &emulation.ScreenOrientation{Type: emulation.ScreenOrientationTypeLandscapePrimary, Angle: 90}
	}
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(s.Width), Height: int64(s.Height), DeviceScaleFactor: s.DeviceScaleFactor,
		Mobile: s.IsMobile, ScreenOrientation: orientation,
	}); err != nil {
		return fmt.Errorf("setting the viewport: %w", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: s.HasTouch}); err != nil {
		return fmt.Errorf("setting touch emulation: %w", err)
	}
	return nil
}

// waitForElement waits until the first selector alternative that finds
// anything finds a number of elements that satisfies the step's operator
// and count (default: at least 1), all with its attributes and
// properties; with visible false, until that is not so. These are
// @puppeteer/replay's semantics.
func (r *runner) waitForElement(ctx context.Context, t *tab, s recording.Step) (string, error) {
	want := 1
	if s.Count != nil {
		want = *s.Count
	}
	op := s.Operator
	if op == "" {
		op = ">="
	}
	visible := s.Visible == nil || *s.Visible
	var props any
	if len(s.Properties) > 0 {
		if err := json.Unmarshal(s.Properties, &props); err != nil {
			return "", fmt.Errorf("properties: %w", err)
		}
	}
	opts := map[string]any{"attributes": s.Attributes, "properties": props}
	var sel string
	var last string
	start := t.state.nav(t.mainFrame())
	err := r.poll(ctx, t, func() (bool, error) {
		frame, err := t.frameID(ctx, s.Frame)
		if err != nil {
			last = err.Error()
			return false, err
		}
		world, err := t.world(ctx, frame)
		if err != nil {
			return false, err
		}
		n, ok := 0, true
		sel = ""
		for _, alt := range s.Selectors {
			res, err := r.query(ctx, t, world, alt, "count", opts)
			if err != nil {
				return false, err
			}
			var c struct {
				N  int  `json:"n"`
				OK bool `json:"ok"`
			}
			if err := json.Unmarshal(res.Value, &c); err != nil {
				return false, err
			}
			if c.N > 0 {
				n, ok, sel = c.N, c.OK, alt.String()
				break
			}
		}
		cond := ok && compare(n, op, want)
		last = fmt.Sprintf("found %d", n)
		if n > 0 && !ok {
			last += ", not all with the attributes and properties asked for"
		}
		return cond == visible, nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		what := fmt.Sprintf("%s %d", op, want)
		if !visible {
			what = "not " + what
		}
		msg := fmt.Sprintf("waited %v for %s elements matching %s; %s", r.timeout, what, selectorList(s.Selectors), last)
		if now := t.state.nav(t.mainFrame()); now.documents != start.documents {
			msg += "; the page navigated away during the step, to " + now.url
		}
		return sel, errors.New(msg)
	}
	return sel, err
}

func compare(n int, op string, want int) bool {
	switch op {
	case "==":
		return n == want
	case "<=":
		return n <= want
	}
	return n >= want
}

func selectorList(sels []recording.Selector) string {
	parts := make([]string, len(sels))
	for i, s := range sels {
		parts[i] = s.String()
	}
	return strings.Join(parts, " | ")
}

// waitForExpression waits until the expression, evaluated in the page's
// own scripts' world of the step's frame, is truthy (a promise is awaited),
// as Puppeteer's waitForFunction does. An expression that throws is tried
// again until the timeout, and the last error is reported.
func (r *runner) waitForExpression(ctx context.Context, t *tab, s recording.Step) error {
	expr := "(async () => !!(await (" + s.Expression + "\n)))()"
	var last string
	err := r.poll(ctx, t, func() (bool, error) {
		frame, err := t.frameID(ctx, s.Frame)
		if err != nil {
			return false, err
		}
		world, err := t.pageWorld(frame)
		if err != nil {
			return false, err
		}
		res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: expr, ContextID: world, AwaitPromise: new(true), ReturnByValue: new(true), Silent: new(true),
		})
		if err != nil {
			return false, err
		}
		if res.ExceptionDetails != nil {
			last = exceptionError(res.ExceptionDetails).Error()
			return false, nil
		}
		last = "it was false"
		return string(res.Result.Value) == "true", nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("waited %v for %s to be true; %s", r.timeout, s.Expression, last)
	}
	return err
}

func (r *runner) emulateNetwork(ctx context.Context, t *tab, s recording.Step) error {
	_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{
			Offline:            s.Download == 0 && s.Upload == 0,
			Latency:            s.Latency,
			DownloadThroughput: s.Download,
			UploadThroughput:   s.Upload,
		}},
	})
	if err != nil {
		return fmt.Errorf("emulating network conditions: %w", err)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
