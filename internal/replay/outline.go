package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/extension"
	"github.com/allmende/allmende/internal/recording"
)

// The outline of a live page, and actions on its nodes: what an executor
// of a learned program needs. It captures the page as the recorder
// describes it (the same script, extension/outline.js, runs in the
// recorder's content script and here, in Allmende's isolated world of the
// page's main frame), finds a node with a query over the outline, and acts
// on that node's element with the replay's real input: a click is mouse
// events at a point of the element that a hit test shows is the element
// (never whatever covers it), typing is Input.insertText over the field's
// selected contents, as a change step does.
//
// The functions take a chromedp context of a page (chromedp.NewContext,
// with or without WithTargetID); the first call attaches a listener to the
// page for its frames and navigations, which later calls share. Nodes are
// found again by the capture that produced the outline: a capture is
// forgotten when the page navigates (and after eight newer ones), and an
// action on its nodes then fails, saying so, rather than acting on
// whatever now stands at the node's place. An action also fails when the
// element's text or name is no longer the node's (a list that re-used its
// rows for other items).
//
// Frames: same-origin frames (and, since the isolated world has universal
// access, same-process ones of other origins) are part of the outline, with
// their Frame paths; a frame in another renderer process is not.

// attached holds the pages the node actions drive, by chromedp target.
var attached sync.Map // *chromedp.Target → *tab

// attach returns the tab of a page context, starting to follow its frames
// and navigations the first time.
func attach(ctx context.Context) (*tab, error) {
	c := chromedp.FromContext(ctx)
	if c == nil {
		return nil, chromedp.ErrInvalidContext
	}
	if c.Target == nil {
		// A context that has not run yet: open its page.
		if err := chromedp.Do(ctx); err != nil {
			return nil, err
		}
	}
	if v, ok := attached.Load(c.Target); ok {
		return v.(*tab), nil
	}
	st := newTabState()
	// The listener lives as long as the page, not as long as this call.
	life := context.WithoutCancel(ctx)
	if err := chromedp.Listen(life, st.handle); err != nil {
		return nil, err
	}
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("reading the page's frames: %w", err)
	}
	st.mu.Lock()
	if st.mainFrame == "" {
		st.mainFrame = tree.FrameTree.Frame.ID
	}
	var mark func(ft *page.FrameTree)
	mark = func(ft *page.FrameTree) {
		f := st.frame(ft.Frame.ID)
		if f.url == "" {
			f.url, f.loaderID, f.loaded = ft.Frame.URL+ft.Frame.URLFragment, ft.Frame.LoaderID, true
		}
		for _, child := range ft.ChildFrames {
			mark(child)
		}
	}
	mark(tree.FrameTree)
	st.mu.Unlock()
	t := &tab{ctx: life, state: st, label: recording.TargetMain, id: c.Target.TargetID}
	v, loaded := attached.LoadOrStore(c.Target, t)
	if !loaded {
		if gone, err := chromedp.Detached(ctx); err == nil {
			target := c.Target
			go func() {
				<-gone
				attached.Delete(target)
			}()
		}
	}
	return v.(*tab), nil
}

// captureResult is what outline.js's capture returns.
type captureResult struct {
	ID      string            `json:"id"`
	Outline recording.Outline `json:"outline"`
	// Frames are the paths of frames the capture could not read.
	Frames [][]int `json:"frames"`
}

// CaptureOutline reads the outline of the page ctx drives: its visible text
// blocks and interactive elements in document order, frames and open
// shadow roots included, described as in a recording (recording.Outline).
// Field values are in it, except a sensitive field's, which the script
// never reads. The outline's Capture names the capture for the node
// actions; Before is 0.
func CaptureOutline(ctx context.Context) (recording.Outline, error) {
	t, err := attach(ctx)
	if err != nil {
		return recording.Outline{}, err
	}
	var res captureResult
	err = retryGone(ctx, func() error {
		world, err := t.world(ctx, t.mainFrame())
		if err != nil {
			return err
		}
		// A string crosses the protocol much faster than the same object
		// returned by value.
		raw, err := t.evalOutline(ctx, world, `(r => JSON.stringify({id: r.id, outline: r.outline, frames: r.frames}))(globalThis.__allmendeOutline.capture({values: "keep", watch: true}))`)
		if err != nil {
			return err
		}
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return err
		}
		return json.Unmarshal([]byte(text), &res)
	})
	if err != nil {
		return recording.Outline{}, fmt.Errorf("capturing the page's outline: %w", err)
	}
	res.Outline.Capture = res.ID
	if res.Outline.Nodes == nil {
		res.Outline.Nodes = []recording.Node{}
	}
	return res.Outline, nil
}

// retryGone runs try until it succeeds, fails for a reason a retry cannot
// get past, or ctx ends: a document that is replaced while the script runs
// (a navigation) takes its execution context with it, and the next try
// finds the new one.
func retryGone(ctx context.Context, try func() error) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := try()
		if err == nil || !(isNotYet(err) || isProtocolError(err)) || time.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
}

// evalOutline evaluates expr in a world where outline.js is defined, and
// returns expr's value as JSON.
func (t *tab) evalOutline(ctx context.Context, world runtime.ExecutionContextID, expr string) (json.RawMessage, error) {
	res, err := t.evalWithOutline(ctx, runtime.EvaluateParams{
		Expression:    expr,
		ContextID:     world,
		ReturnByValue: new(true),
		Silent:        new(true),
	})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(res.Result.Value), nil
}

// evalWithOutline evaluates p.Expression in p.ContextID, an isolated
// world, with outline.js defined there: the 50 kB script goes along only
// the first time in a world (and again if the world lost it).
func (t *tab) evalWithOutline(ctx context.Context, p runtime.EvaluateParams) (runtime.EvaluateResult, error) {
	expr := p.Expression
	t.state.mu.Lock()
	defined := t.state.outlined[p.ContextID]
	t.state.mu.Unlock()
	for try := 0; ; try++ {
		p.Expression = expr
		if !defined {
			p.Expression = extension.OutlineJS + "\n;" + expr
		}
		res, err := chromedp.Call(ctx, runtime.Evaluate, p)
		if err != nil {
			return res, err
		}
		if res.ExceptionDetails != nil {
			if defined && try == 0 {
				// The world was not what it was: define the script again.
				defined = false
				continue
			}
			return res, exceptionError(res.ExceptionDetails)
		}
		if !defined {
			t.state.mu.Lock()
			t.state.outlined[p.ContextID] = true
			t.state.mu.Unlock()
		}
		return res, nil
	}
}

// Unchanged reports whether the page ctx drives is still as outline o,
// a capture of CaptureOutline, saw it: no change of the document and no
// input, scroll, pointer, focus, transition or load event since. A
// capture that read a frame or a shadow root, and one the page has
// forgotten (it navigated), is never unchanged. It costs one small
// evaluation instead of a capture; an error means "capture again".
func Unchanged(ctx context.Context, o recording.Outline) (bool, error) {
	if o.Capture == "" {
		return false, nil
	}
	t, err := attach(ctx)
	if err != nil {
		return false, err
	}
	t.state.mu.Lock()
	world, ok := t.state.worlds[t.state.mainFrame]
	defined := t.state.outlined[world]
	t.state.mu.Unlock()
	if !ok || !defined {
		return false, nil
	}
	id, _ := json.Marshal(o.Capture)
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
		Expression:    "!!(globalThis.__allmendeOutline && globalThis.__allmendeOutline.unchanged(" + string(id) + "))",
		ContextID:     world,
		ReturnByValue: new(true),
		Silent:        new(true),
	})
	if err != nil {
		return false, err
	}
	if res.ExceptionDetails != nil {
		return false, exceptionError(res.ExceptionDetails)
	}
	return string(res.Result.Value) == "true", nil
}

// nodeGroup holds the remote objects of node actions.
const nodeGroup = "allmende-node"

// NodeObjectGroup is the object group of the objects NodeElement returns:
// release them with runtime.ReleaseObjectGroup when done.
const NodeObjectGroup = nodeGroup

// nodeElement finds a node's element and checks that it is still the
// element the node describes.
func nodeElement(ctx context.Context, t *tab, o recording.Outline, ref int) (element, recording.Node, error) {
	if o.Capture == "" {
		return element{}, recording.Node{}, errors.New("the outline was not captured from this page (it has no capture; use replay.CaptureOutline)")
	}
	if ref < 0 || ref >= len(o.Nodes) {
		return element{}, recording.Node{}, fmt.Errorf("the outline has no node %d (it has %d)", ref, len(o.Nodes))
	}
	n := o.Nodes[ref]
	frame := t.mainFrame()
	world, err := t.world(ctx, frame)
	if err != nil {
		return element{}, n, err
	}
	args, _ := json.Marshal(map[string]any{"id": o.Capture, "ref": ref})
	res, err := t.evalWithOutline(ctx, runtime.EvaluateParams{
		Expression:  "((a) => globalThis.__allmendeOutline.element(a.id, a.ref))(" + string(args) + ")",
		ContextID:   world,
		ObjectGroup: nodeGroup,
		Silent:      new(true),
	})
	if err != nil {
		return element{}, n, err
	}
	if res.Result.Type == runtime.RemoteObjectTypeString {
		return element{}, n, errors.New(jsString(res.Result))
	}
	el := element{id: res.Result.ObjectID, world: world, selector: describeNode(ref, n)}
	if len(n.Frame) > 0 {
		if el.frame, err = t.frameID(ctx, n.Frame); err != nil {
			return element{}, n, err
		}
	} else {
		el.frame = frame
	}
	return el, n, nil
}

// describeNode names a node in errors: node 12 (button "Save").
func describeNode(ref int, n recording.Node) string {
	what := n.Role
	if what == "" {
		what = n.Tag
	}
	label := n.Name
	if label == "" {
		label = n.Text
	}
	if len([]rune(label)) > 40 {
		label = string([]rune(label)[:40]) + "…"
	}
	if label != "" {
		return fmt.Sprintf("node %d (%s %q)", ref, what, label)
	}
	return fmt.Sprintf("node %d (%s)", ref, what)
}

// readyJS checks, in the world the element was found in, that the element
// is still the node (its text or name), and, for an action that needs it,
// that it is visible and enabled; it scrolls it into view and finds a point
// of it that a hit test says is the element itself, or a label of it, and
// not something covering it. It returns {offset: [x, y]} (from the top-left
// corner of the element's first box) or {error}.
const readyJS = `function (want) {
  const el = this, O = globalThis.__allmendeOutline;
  const d = O.describe(el, {values: "mask"});
  const same = (a, b) => (a || "") === (b || "");
  if ((want.text || want.name) && !same(d.text, want.text) && !(want.name && same(d.name, want.name))) {
    return {error: "the element changed since the outline was captured: it now reads " +
      JSON.stringify(d.text || d.name || "") + ", not " + JSON.stringify(want.text || want.name)};
  }
  if (!want.act) return {offset: [0, 0]};
  const win = el.ownerDocument.defaultView;
  const style = win.getComputedStyle(el);
  if (style.visibility !== "visible") return {error: "it is not visible"};
  if (want.enabled && (el.matches(":disabled") || el.getAttribute("aria-disabled") === "true")) {
    return {error: "it is disabled"};
  }
  const box = () => Array.from(el.getClientRects()).find((r) => r.width >= 1 && r.height >= 1);
  let r = box();
  if (!r) return {error: "it has no area on the page to act on"};
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  if (cx < 0 || cy < 0 || cx >= win.innerWidth || cy >= win.innerHeight) {
    el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    r = box();
    if (!r) return {error: "it has no area on the page to act on"};
  }
  const up = (n) => n.parentNode || (n.host ? n.host : null);
  const within = (outer, n) => { for (; n; n = up(n)) if (n === outer) return true; return false; };
  const hit = (x, y) => {
    let h = el.ownerDocument.elementFromPoint(x, y);
    while (h && h.shadowRoot) {
      const inner = h.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === h) break;
      h = inner;
    }
    return h;
  };
  const ours = (h) => h && (within(el, h) || (el.labels && Array.from(el.labels).some((l) => within(l, h))) ||
    (h.localName === "label" && h.control === el));
  // A person clicks an item's words, not the middle of its row: a tree
  // item or list entry that spans the page often handles clicks on its
  // label only. So the middle of the element's first visible words comes
  // first, then points of its box.
  const words = () => {
    const w = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = w.nextNode(), k = 0; n && k < 50; n = w.nextNode(), k++) {
      if (!n.data.trim()) continue;
      const rg = el.ownerDocument.createRange();
      rg.selectNodeContents(n);
      const b = Array.from(rg.getClientRects()).find((b) => b.width >= 1 && b.height >= 1);
      if (b) return [b.left + b.width / 2, b.top + b.height / 2];
    }
    return null;
  };
  const points = [[0.5, 0.5], [0.25, 0.5], [0.75, 0.5], [0.5, 0.25], [0.5, 0.75]].map(([fx, fy]) => [r.left + r.width * fx, r.top + r.height * fy]);
  const first = words();
  if (first) points.unshift(first);
  let seen = null;
  for (const [x, y] of points) {
    const h = hit(x, y);
    if (ours(h)) return {offset: [x - r.left, y - r.top]};
    seen = seen || h;
  }
  const what = seen ? seen.localName + (seen.id ? "#" + seen.id : "") + " " + JSON.stringify(O.visibleText(seen).slice(0, 40)) : "nothing";
  return {error: "it is covered by " + what};
}`

// ready runs readyJS on a node's element.
func ready(ctx context.Context, el element, n recording.Node, act, enabled bool) ([2]float64, error) {
	args := map[string]any{"text": n.Text, "name": n.Name, "act": act, "enabled": enabled}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: readyJS,
		ObjectID:            el.id,
		Arguments:           []*runtime.CallArgument{jsonArg(args)},
		ReturnByValue:       new(true),
		Silent:              new(true),
	})
	if err != nil {
		return [2]float64{}, err
	}
	if res.ExceptionDetails != nil {
		return [2]float64{}, exceptionError(res.ExceptionDetails)
	}
	var out struct {
		Offset *[2]float64 `json:"offset"`
		Error  string      `json:"error"`
	}
	if err := json.Unmarshal(res.Result.Value, &out); err != nil {
		return [2]float64{}, err
	}
	if out.Error != "" || out.Offset == nil {
		return [2]float64{}, fmt.Errorf("%s: %s", el.selector, out.Error)
	}
	return *out.Offset, nil
}

// nodeAction runs do on a node's element, then waits for a navigation the
// action started in its frame to finish loading. An action that has no
// deadline of its own gets DefaultStepTimeout for that wait.
func nodeAction(ctx context.Context, o recording.Outline, ref int, act, enabled bool, do func(ctx context.Context, r *runner, t *tab, el element, offset [2]float64) error) error {
	t, err := attach(ctx)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultStepTimeout)
		defer cancel()
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_, _ = chromedp.Call(rctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: nodeGroup})
	}()
	el, n, err := nodeElement(ctx, t, o, ref)
	if err != nil {
		return fmt.Errorf("%s: %w", describeNode(ref, nodeOr(o, ref)), err)
	}
	offset, err := ready(ctx, el, n, act, enabled)
	if err != nil {
		return err
	}
	r := &runner{timeout: DefaultStepTimeout, opts: Options{StepTimeout: DefaultStepTimeout}}
	if err := do(ctx, r, t, el, offset); err != nil {
		return err
	}
	t.settle(ctx, el.frame)
	return nil
}

func nodeOr(o recording.Outline, ref int) recording.Node {
	if ref >= 0 && ref < len(o.Nodes) {
		return o.Nodes[ref]
	}
	return recording.Node{}
}

// frameStep is a step in the node's frame, for the replay's helpers.
func frameStep(o recording.Outline, ref int) recording.Step {
	return recording.Step{Frame: nodeOr(o, ref).Frame}
}

// ClickNode clicks the element node ref of o stands for: a mouse move, press
// and release at a point of it that a hit test shows is the element (or
// one of its labels), after scrolling it into view. It fails, without
// clicking, when the element is gone, changed, hidden, disabled or covered.
func ClickNode(ctx context.Context, o recording.Outline, ref int) error {
	return clickNode(ctx, o, ref, 1)
}

// DoubleClickNode is ClickNode with a double click.
func DoubleClickNode(ctx context.Context, o recording.Outline, ref int) error {
	return clickNode(ctx, o, ref, 2)
}

func clickNode(ctx context.Context, o recording.Outline, ref, count int) error {
	return nodeAction(ctx, o, ref, true, true, func(ctx context.Context, r *runner, t *tab, el element, offset [2]float64) error {
		x, y, err := r.point(ctx, t, el, frameStep(o, ref), &offset)
		if err != nil {
			return err
		}
		// Something may come over the element between the hit test and
		// the press (a banner a moment after the page opened): the
		// guard stops such a press before the page sees it.
		if err := callOn(ctx, el, guardJS); err != nil {
			return fmt.Errorf("%s: guarding the click: %w", el.selector, err)
		}
		if err := r.mouseClick(ctx, x, y, "", count, 0); err != nil {
			return err
		}
		if wrong := guardOff(ctx, el); wrong != "" {
			return fmt.Errorf("%s: it is covered by %s, which came over it as it was clicked (the click was stopped before the page saw it)", el.selector, wrong)
		}
		return nil
	})
}

// guardJS, on an element about to be clicked, listens first (capturing,
// on its window) for the press: if the press lands on anything but the
// element or its label, it and the rest of that click are stopped there,
// so the page never sees a click on what the run did not mean to click.
// guardOffJS removes it and returns what the press landed on instead ("" if
// it was the element, or no press came).
const guardJS = `function () {
  const el = this, win = el.ownerDocument.defaultView;
  const up = (n) => n.parentNode || (n.host ? n.host : null);
  const within = (outer, n) => { for (; n; n = up(n)) if (n === outer) return true; return false; };
  const ours = (h) => h && (within(el, h) || (el.labels && Array.from(el.labels).some((l) => within(l, h))) ||
    (h.localName === "label" && h.control === el));
  const st = {decided: false, ok: true, wrong: ""};
  const types = ["pointerdown", "mousedown", "pointerup", "mouseup", "click", "dblclick", "auxclick", "contextmenu"];
  const h = (e) => {
    if (!st.decided && (e.type === "pointerdown" || e.type === "mousedown")) {
      st.decided = true;
      const t = e.composedPath()[0];
      st.ok = ours(t);
      if (!st.ok) {
        const text = t && (t.innerText || t.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
        st.wrong = t ? (t.localName || "node") + (t.id ? "#" + t.id : "") + " " + JSON.stringify(text) : "nothing";
      }
    }
    if (st.decided && !st.ok) { e.stopImmediatePropagation(); e.preventDefault(); }
  };
  if (win.__allmendeGuard) win.__allmendeGuard.off();
  for (const t of types) win.addEventListener(t, h, true);
  win.__allmendeGuard = {off() { for (const t of types) win.removeEventListener(t, h, true); delete win.__allmendeGuard; return st.wrong; }};
}`

const guardOffJS = `function () {
  const g = this.ownerDocument.defaultView.__allmendeGuard;
  return g ? g.off() : "";
}`

// callOn calls a function on an element, for its side effects.
func callOn(ctx context.Context, el element, fn string) error {
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fn,
		ObjectID:            el.id,
		Silent:              new(true),
	})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return exceptionError(res.ExceptionDetails)
	}
	return nil
}

// guardOff removes the click guard and returns what a stopped press
// landed on, "" if none was stopped. A click that took the page away (a
// link) took the guard with it: nothing was stopped.
func guardOff(ctx context.Context, el element) string {
	c, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := chromedp.Call(c, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: guardOffJS,
		ObjectID:            el.id,
		ReturnByValue:       new(true),
		Silent:              new(true),
	})
	if err != nil || res.ExceptionDetails != nil {
		return ""
	}
	var wrong string
	if json.Unmarshal(res.Result.Value, &wrong) != nil {
		return ""
	}
	return wrong
}

// HoverNode moves the mouse onto the element node ref stands for.
func HoverNode(ctx context.Context, o recording.Outline, ref int) error {
	return nodeAction(ctx, o, ref, true, false, func(ctx context.Context, r *runner, t *tab, el element, offset [2]float64) error {
		x, y, err := r.point(ctx, t, el, frameStep(o, ref), &offset)
		if err != nil {
			return err
		}
		_, err = chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y,
		})
		return err
	})
}

// TypeNode puts text into the field node ref stands for, as a recorded
// change step does: a text field or editable element is focused, its
// contents selected and the text typed over them (trusted input events a
// page's framework notices); a list chooses the option whose value, label
// or text is text; a check box or radio button is clicked when its state
// is not the one text asks for ("", "false" and "off" mean unchecked).
func TypeNode(ctx context.Context, o recording.Outline, ref int, text string) error {
	return nodeAction(ctx, o, ref, true, true, func(ctx context.Context, r *runner, t *tab, el element, _ [2]float64) error {
		return r.fill(ctx, t, el, frameStep(o, ref), text)
	})
}

// SelectNode chooses the option whose value, label or text is option in
// the list (a <select>) node ref stands for.
func SelectNode(ctx context.Context, o recording.Outline, ref int, option string) error {
	if n := nodeOr(o, ref); n.Tag != "" && n.Tag != "select" {
		return fmt.Errorf("%s is not a list to choose from (a select element)", describeNode(ref, n))
	}
	return TypeNode(ctx, o, ref, option)
}

// CheckNode sets the check box, radio button or switch node ref stands for
// to checked, clicking it only when its state differs. An ARIA check box
// (role="checkbox" on a plain element) is clicked the same way.
func CheckNode(ctx context.Context, o recording.Outline, ref int, checked bool) error {
	n := nodeOr(o, ref)
	if n.Tag == "input" {
		v := "on"
		if !checked {
			v = "off"
		}
		return TypeNode(ctx, o, ref, v)
	}
	if n.Checked != nil && *n.Checked == checked {
		return nil
	}
	return ClickNode(ctx, o, ref)
}

// PressKey presses and releases a key (a name of the US keyboard layout, as
// a Recorder keyDown step gives it: "Enter", "Tab", "a", "ArrowDown") in
// the page, wherever the focus is, and waits for a navigation it starts.
func PressKey(ctx context.Context, key string) error {
	k, ok := keys[key]
	if !ok {
		return fmt.Errorf("%q is not a key of the US keyboard layout", key)
	}
	t, err := attach(ctx)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultStepTimeout)
		defer cancel()
	}
	r := &runner{timeout: DefaultStepTimeout}
	if err := r.press(ctx, k); err != nil {
		return err
	}
	t.settle(ctx, t.mainFrame())
	return nil
}

// NodeElement returns a remote object for the element node ref of o stands
// for, in Allmende's isolated world, for what the node actions do not
// cover. It is in the object group NodeObjectGroup.
func NodeElement(ctx context.Context, o recording.Outline, ref int) (runtime.RemoteObjectID, error) {
	t, err := attach(ctx)
	if err != nil {
		return "", err
	}
	el, n, err := nodeElement(ctx, t, o, ref)
	if err != nil {
		return "", fmt.Errorf("%s: %w", describeNode(ref, nodeOr(o, ref)), err)
	}
	if _, err := ready(ctx, el, n, false, false); err != nil {
		return "", err
	}
	return el.id, nil
}
