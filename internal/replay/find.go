package replay

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/recording"
)

//go:embed query.js
var queryJS string

// objectGroup holds every remote object a step creates, released after
// the step.
const objectGroup = "allmende-replay"

// element is an element a step found, in Allmende's world of its frame.
type element struct {
	id       runtime.RemoteObjectID
	frame    cdp.FrameID
	world    runtime.ExecutionContextID
	selector string // the alternative that found it
}

// readiness says what "found" means for an action.
type readiness struct {
	Visible bool        `json:"visible"`
	Enabled bool        `json:"enabled"`
	Scroll  bool        `json:"scroll"`
	Offset  *[2]float64 `json:"offset,omitempty"`
}

// jsPart is a selector part as query.js takes it: [prefix, rest].
type jsPart [2]string

// segment is a run of selector parts that query.js can look up in one
// call, or a single aria part, which needs the accessibility tree.
type segment struct {
	parts []jsPart
	aria  bool
	name  string
	role  string
}

func segments(sel recording.Selector) ([]segment, error) {
	var segs []segment
	for _, part := range sel {
		prefix, rest := recording.SplitPart(part)
		if prefix == recording.PrefixARIA {
			name, role, err := recording.ParseARIA(rest)
			if err != nil {
				return nil, err
			}
			segs = append(segs, segment{aria: true, name: name, role: role})
			continue
		}
		if len(segs) == 0 || segs[len(segs)-1].aria {
			segs = append(segs, segment{})
		}
		last := &segs[len(segs)-1]
		last.parts = append(last.parts, jsPart{prefix, rest})
	}
	return segs, nil
}

// waitElement waits until one of the step's selector alternatives finds an
// element ready for the action, trying them in order, until ctx ends.
func (r *runner) waitElement(ctx context.Context, t *tab, step recording.Step, ready readiness) (element, error) {
	why := make([]string, len(step.Selectors))
	start := t.state.nav(t.mainFrame())
	var found element
	err := r.poll(ctx, t, func() (bool, error) {
		frame, err := t.frameID(ctx, step.Frame)
		if err != nil {
			for i := range why {
				why[i] = err.Error()
			}
			return false, err
		}
		world, err := t.world(ctx, frame)
		if err != nil {
			return false, err
		}
		for i, sel := range step.Selectors {
			res, err := r.query(ctx, t, world, sel, "first", ready)
			if err != nil {
				why[i] = shortError(err)
				if isNotYet(err) || isProtocolError(err) {
					continue
				}
				return false, err
			}
			if res.Type == runtime.RemoteObjectTypeObject && res.Subtype == runtime.RemoteObjectSubtypeNode && res.ObjectID != "" {
				found = element{id: res.ObjectID, frame: frame, world: world, selector: sel.String()}
				return true, nil
			}
			why[i] = jsString(res)
		}
		return false, nil
	})
	if err != nil {
		return element{}, r.waitError(t, err, start, step.Selectors, why)
	}
	return found, nil
}

// waitError turns a failed wait into an error that says what was tried,
// what each selector found, and whether the page navigated meanwhile.
func (r *runner) waitError(t *tab, err error, start navState, sels []recording.Selector, why []string) error {
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no element ready within %v", r.timeout)
	for i, sel := range sels {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		reason := why[i]
		if reason == "" {
			reason = "not tried"
		}
		fmt.Fprintf(&b, "%s (%s)", sel, reason)
	}
	if now := t.state.nav(t.mainFrame()); now.documents != start.documents {
		fmt.Fprintf(&b, "; the page navigated away during the step, to %s", now.url)
	}
	return errors.New(b.String())
}

// poll calls try until it reports done, an error that is not worth
// retrying, or ctx ends. It retries soon at first, then every 100 ms, and
// also at once when the page changes (a navigation, a new frame).
func (r *runner) poll(ctx context.Context, t *tab, try func() (bool, error)) error {
	delay := 5 * time.Millisecond
	for {
		changed := t.changes()
		done, err := try()
		switch {
		case done:
			return nil
		case t.crashed():
			return errors.New("the page crashed")
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && !isNotYet(err) && !isProtocolError(err):
			return err
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// query looks up one selector alternative in a frame's world and applies
// query.js's mode to what it finds.
func (r *runner) query(ctx context.Context, t *tab, world runtime.ExecutionContextID, sel recording.Selector, mode string, opts any) (*runtime.RemoteObject, error) {
	segs, err := segments(sel)
	if err != nil {
		return nil, err
	}
	var scopes []runtime.RemoteObjectID
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg.aria {
			if scopes, err = r.ariaQuery(ctx, t, world, scopes, seg); err != nil {
				return nil, err
			}
			if len(scopes) == 0 {
				if mode == "count" {
					return countResult(0), nil
				}
				return stringResult("no element"), nil
			}
			if last {
				return r.callQuery(ctx, t, world, nil, mode, opts, scopes)
			}
			continue
		}
		if last {
			return r.callQuery(ctx, t, world, seg.parts, mode, opts, scopes)
		}
		arr, err := r.callQuery(ctx, t, world, seg.parts, "all", nil, scopes)
		if err != nil {
			return nil, err
		}
		if scopes, err = r.arrayElements(ctx, t, arr.ObjectID); err != nil {
			return nil, err
		}
		if len(scopes) == 0 {
			if mode == "count" {
				return countResult(0), nil
			}
			return stringResult("no element"), nil
		}
	}
	return nil, errors.New("empty selector")
}

func stringResult(s string) *runtime.RemoteObject {
	v, _ := json.Marshal(s)
	return &runtime.RemoteObject{Type: runtime.RemoteObjectTypeString, Value: v}
}

func countResult(n int) *runtime.RemoteObject {
	v, _ := json.Marshal(map[string]any{"n": n, "ok": true})
	return &runtime.RemoteObject{Type: runtime.RemoteObjectTypeObject, Value: v}
}

// callQuery runs query.js. "count" comes back by value, the rest by
// reference.
func (r *runner) callQuery(ctx context.Context, t *tab, world runtime.ExecutionContextID, parts []jsPart, mode string, opts any, scopes []runtime.RemoteObjectID) (*runtime.RemoteObject, error) {
	if parts == nil {
		parts = []jsPart{}
	}
	args := []*runtime.CallArgument{jsonArg(map[string]any{"parts": parts, "mode": mode, "opts": opts})}
	for _, id := range scopes {
		args = append(args, &runtime.CallArgument{ObjectID: id})
	}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: queryJS,
		ExecutionContextID:  world,
		Arguments:           args,
		ReturnByValue:       new(mode == "count"),
		ObjectGroup:         objectGroup,
		Silent:              new(true),
	})
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails != nil {
		return nil, exceptionError(res.ExceptionDetails)
	}
	return res.Result, nil
}

// arrayElements returns the elements of a JavaScript array of elements.
func (r *runner) arrayElements(ctx context.Context, t *tab, array runtime.RemoteObjectID) ([]runtime.RemoteObjectID, error) {
	props, err := chromedp.Call(ctx, runtime.GetProperties, runtime.GetPropertiesParams{ObjectID: array, OwnProperties: new(true)})
	if err != nil {
		return nil, err
	}
	var ids []runtime.RemoteObjectID
	for _, p := range props.Result {
		if p.Value != nil && p.Value.Subtype == runtime.RemoteObjectSubtypeNode && p.Value.ObjectID != "" {
			ids = append(ids, p.Value.ObjectID)
		}
	}
	return ids, nil
}

// maxAriaMatches bounds how many accessibility matches are resolved to
// elements: a selector that matches more is not one a Recorder wrote.
const maxAriaMatches = 50

// ariaQuery finds elements by accessible name and role, from the
// accessibility tree as Chrome computes it (Puppeteer's aria/ selectors do
// the same), under each scope or the frame's document.
func (r *runner) ariaQuery(ctx context.Context, t *tab, world runtime.ExecutionContextID, scopes []runtime.RemoteObjectID, seg segment) ([]runtime.RemoteObjectID, error) {
	if len(scopes) == 0 {
		doc, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: "document", ContextID: world, ObjectGroup: objectGroup,
		})
		if err != nil {
			return nil, err
		}
		if doc.ExceptionDetails != nil {
			return nil, exceptionError(doc.ExceptionDetails)
		}
		scopes = []runtime.RemoteObjectID{doc.Result.ObjectID}
	}
	var out []runtime.RemoteObjectID
	seen := map[cdp.BackendNodeID]bool{}
	for _, scope := range scopes {
		res, err := chromedp.Call(ctx, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{
			ObjectID: scope, AccessibleName: seg.name, Role: seg.role,
		})
		if err != nil {
			return nil, err
		}
		for _, n := range res.Nodes {
			if n.Ignored || n.BackendDOMNodeID == 0 || seen[n.BackendDOMNodeID] || len(out) >= maxAriaMatches {
				continue
			}
			if n.Role != nil {
				var role string
				if json.Unmarshal(n.Role.Value, &role) == nil && (role == "StaticText" || role == "InlineTextBox") {
					continue
				}
			}
			seen[n.BackendDOMNodeID] = true
			obj, err := chromedp.Call(ctx, dom.ResolveNode, dom.ResolveNodeParams{
				BackendNodeID: n.BackendDOMNodeID, ExecutionContextID: world, ObjectGroup: objectGroup,
			})
			if err != nil {
				return nil, err
			}
			if obj.Object != nil && obj.Object.ObjectID != "" {
				out = append(out, obj.Object.ObjectID)
			}
		}
	}
	if len(out) > 1 {
		return r.innermost(ctx, world, out)
	}
	return out, nil
}

// innermost drops the elements that contain another of els: a table cell
// or a list item takes its accessible name from its contents, so the
// link "Budget update" in a cell makes the cell "Budget update" too, and
// the element a recorder named is the one inside (a click at the
// recorded offset into the cell misses the link).
func (r *runner) innermost(ctx context.Context, world runtime.ExecutionContextID, els []runtime.RemoteObjectID) ([]runtime.RemoteObjectID, error) {
	args := make([]*runtime.CallArgument, len(els))
	for i, id := range els {
		args[i] = &runtime.CallArgument{ObjectID: id}
	}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: `function (...els) { return els.map(e => !els.some(o => o !== e && e.contains(o))); }`,
		ExecutionContextID:  world,
		Arguments:           args,
		ReturnByValue:       new(true),
		Silent:              new(true),
	})
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails != nil {
		return nil, exceptionError(res.ExceptionDetails)
	}
	var keep []bool
	if err := json.Unmarshal(res.Result.Value, &keep); err != nil || len(keep) != len(els) {
		return els, nil
	}
	var out []runtime.RemoteObjectID
	for i, k := range keep {
		if k {
			out = append(out, els[i])
		}
	}
	return out, nil
}

// jsonArg passes v to a function as a JSON value. The value must not
// encode as "", [] or {}: the protocol's types drop such a value as
// empty, and the function would get undefined. Pass objects with fields.
func jsonArg(v any) *runtime.CallArgument {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	return &runtime.CallArgument{Value: b}
}

// jsString returns a string result's value.
func jsString(o *runtime.RemoteObject) string {
	var s string
	if o == nil || json.Unmarshal(o.Value, &s) != nil {
		return "no element"
	}
	return s
}

func exceptionError(d *runtime.ExceptionDetails) error {
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		msg = d.Exception.Description
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
	}
	return errNotYet{"script error: " + msg}
}

// isProtocolError reports an error the browser answered a command with:
// usually a document, context or node that went away in a navigation,
// which a retry gets past.
func isProtocolError(err error) bool {
	var e *cdproto.Error
	return errors.As(err, &e)
}

// shortError is an error as the list of reasons in a timeout shows it.
func shortError(err error) string {
	var e *cdproto.Error
	if errors.As(err, &e) {
		return strings.TrimSuffix(e.Message, ".")
	}
	return err.Error()
}
