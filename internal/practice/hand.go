package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Hand performs an instance the way a person does, with trusted input
// events over the Chrome DevTools Protocol: the pointer moves to an
// element in a few steps before it presses, the wheel scrolls what is out
// of view, keys are typed one by one. A recorder watching the page sees a
// person's input, which is what a demonstration must be.
//
// Hands know the instance (its answer comes from the generator); where an
// element is, they find with a Loc.
type Hand struct {
	ctx  context.Context
	r    *rand.Rand
	x, y float64
	// Timeout is how long the hand waits for an element to appear.
	Timeout time.Duration
}

// NewHand returns hands for the page ctx drives (a chromedp tab context);
// seed varies the pointer's path.
func NewHand(ctx context.Context, seed uint64) *Hand {
	return &Hand{ctx: ctx, r: rand.New(rand.NewPCG(seed, 7)), x: 20, y: 20, Timeout: 5 * time.Second}
}

// Loc is a JavaScript expression that evaluates to the element to act on,
// or null; it may use the helpers of locPrelude.
type Loc string

const locPrelude = `const norm = s => (s || "").replace(/\s+/g, " ").trim();
const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
const byText = (sel, t, root) => [...(root || document).querySelectorAll(sel)].find(e => norm(e.textContent) === t && shown(e)) || null;
const byLabel = (t, root) => { const l = [...(root || document).querySelectorAll("label")].find(e => norm(e.textContent) === t && shown(e)); return l ? l.control : null; };
const group = t => [...document.querySelectorAll("fieldset")].find(f => f.querySelector("legend") && norm(f.querySelector("legend").textContent) === t) || null;
const rowOf = (t, root) => [...(root || document).querySelectorAll("tr")].find(tr => [...tr.cells].some(c => norm(c.textContent) === t) && shown(tr)) || null;
`

// CSS is the first element sel matches.
func CSS(sel string) Loc { return Loc(fmt.Sprintf("document.querySelector(%s)", js(sel))) }

// Text is the first shown element sel matches whose text is text.
func Text(sel, text string) Loc { return Loc(fmt.Sprintf("byText(%s, %s)", js(sel), js(text))) }

// Label is the field whose label's text is text.
func Label(text string) Loc { return Loc(fmt.Sprintf("byLabel(%s)", js(text))) }

// InRow is the first element sel matches in the table row that has a
// cell whose text is key.
func InRow(key, sel string) Loc {
	return Loc(fmt.Sprintf("(r => r && r.querySelector(%s))(rowOf(%s))", js(sel), js(key)))
}

// TextInRow is the element sel matches, with text text, in the row of key.
func TextInRow(key, sel, text string) Loc {
	return Loc(fmt.Sprintf("(r => r && byText(%s, %s, r))(rowOf(%s))", js(sel), js(text), js(key)))
}

// InGroup is the element sel matches, with text text, in the fieldset
// whose legend is legend.
func InGroup(legend, sel, text string) Loc {
	return Loc(fmt.Sprintf("(g => g && byText(%s, %s, g))(group(%s))", js(sel), js(text), js(legend)))
}

// js is s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// box is where an element is, in the top frame's viewport, and the part
// of the viewport its scrolling container shows.
type box struct {
	Found  bool    `json:"found"`
	Shown  bool    `json:"shown"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Top    float64 `json:"top"`    // the container's visible top
	Bottom float64 `json:"bottom"` // and bottom
	Inner  bool    `json:"inner"`  // the container is an element, not the window
	CX     float64 `json:"cx"`     // a point over the container
	CY     float64 `json:"cy"`
	VH     float64 `json:"vh"`
	VW     float64 `json:"vw"`
}

// boxJS finds nothing while the document is still loading: a button
// parsed before the script that handles it would take a click and drop
// it.
const boxJS = `(() => { %s
if (document.readyState === "loading") return {found: false};
const e = (%s);
if (!e) return {found: false};
const r = e.getBoundingClientRect();
let x = r.left, y = r.top, w = e.ownerDocument.defaultView;
while (w.frameElement) { const f = w.frameElement.getBoundingClientRect(); x += f.left + w.frameElement.clientLeft; y += f.top + w.frameElement.clientTop; w = w.parent; }
let sc = null;
for (let p = e.parentElement || (e.getRootNode().host); p; p = p.parentElement || (p.getRootNode && p.getRootNode().host)) {
  const o = getComputedStyle(p).overflowY;
  if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight + 1) { sc = p; break; }
}
const out = {found: true, shown: shown(e) && r.width > 0 && r.height > 0, x, y, w: r.width, h: r.height, vh: innerHeight, vw: innerWidth, top: 0, bottom: innerHeight, inner: false, cx: innerWidth / 2, cy: innerHeight / 2};
if (sc && e.ownerDocument === document) {
  const c = sc.getBoundingClientRect();
  Object.assign(out, {inner: true, top: c.top, bottom: c.top + sc.clientHeight, cx: c.left + c.width / 2, cy: c.top + c.height / 2});
}
return out; })()`

func (h *Hand) locate(l Loc) (box, error) {
	return chromedp.Run(h.ctx, chromedp.Evaluate[box](fmt.Sprintf(boxJS, locPrelude, l)))
}

// wait waits until l finds a shown element.
func (h *Hand) wait(l Loc) (box, error) {
	deadline := time.Now().Add(h.Timeout)
	for {
		b, err := h.locate(l)
		if err == nil && b.Found && b.Shown {
			return b, nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return b, fmt.Errorf("hand: looking for %s: %w", l, err)
			}
			return b, fmt.Errorf("hand: no shown element for %s", l)
		}
		if err := pause(h.ctx, 40*time.Millisecond); err != nil {
			return b, err
		}
	}
}

// WaitFor waits until l finds a shown element.
func (h *Hand) WaitFor(l Loc) error {
	_, err := h.wait(l)
	return err
}

// reveal scrolls with the mouse wheel until the element is in view, and
// returns where it is then.
func (h *Hand) reveal(l Loc) (box, error) {
	scrolled := false
	for range 120 {
		b, err := h.wait(l)
		if err != nil {
			return b, err
		}
		mid := b.Y + b.H/2
		// out says the element is not wholly between top and bottom (or,
		// taller than that, does not cover its middle).
		out := func(top, bottom float64) bool {
			if b.H > bottom-top-8 {
				return mid < top+4 || mid > bottom-4
			}
			return b.Y < top+2 || b.Y+b.H > bottom-2
		}
		var dy, px, py float64
		switch {
		case b.Inner && (b.CY < 40 || b.CY > b.VH-40):
			// The container itself is out of view: scroll the page.
			dy, px, py = b.CY-b.VH/2, 8, b.VH/2
		case b.Inner && out(b.Top, b.Bottom):
			dy, px, py = mid-(b.Top+b.Bottom)/2, b.CX, b.CY
		case out(0, b.VH):
			dy, px, py = mid-b.VH/2, 8, b.VH/2
		default:
			if !scrolled {
				return b, nil
			}
			// A wheel scrolls smoothly: act once the element has come
			// to rest, not where it was on the way.
			if err := pause(h.ctx, 50*time.Millisecond); err != nil {
				return b, err
			}
			again, err := h.locate(l)
			if err != nil {
				return b, err
			}
			if math.Abs(again.Y-b.Y) < 0.5 && math.Abs(again.X-b.X) < 0.5 {
				return again, nil
			}
			continue
		}
		scrolled = true
		dy = math.Max(-360, math.Min(360, dy))
		if math.Abs(dy) < 20 {
			dy = math.Copysign(20, dy)
		}
		h.move(px, py)
		if _, err := chromedp.Call(h.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: input.DispatchMouseEventTypeMouseWheel, X: px, Y: py, DeltaY: dy,
			// The protocol wants both deltas and the encoder drops a zero.
			DeltaX: 1e-6,
		}); err != nil {
			return b, fmt.Errorf("hand: wheel: %w", err)
		}
		if err := pause(h.ctx, 60*time.Millisecond); err != nil {
			return b, err
		}
	}
	return box{}, fmt.Errorf("hand: could not scroll %s into view", l)
}

// move glides the pointer to x, y in a few steps.
func (h *Hand) move(x, y float64) {
	n := 3 + h.r.IntN(4)
	for i := 1; i <= n; i++ {
		f := float64(i) / float64(n)
		px := h.x + (x-h.x)*f
		py := h.y + (y-h.y)*f
		if i < n {
			px += h.r.Float64()*4 - 2
			py += h.r.Float64()*4 - 2
		}
		_, _ = chromedp.Call(h.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: input.DispatchMouseEventTypeMouseMoved, X: px, Y: py,
		})
		_ = pause(h.ctx, time.Duration(4+h.r.IntN(6))*time.Millisecond)
	}
	h.x, h.y = x, y
}

// point moves the pointer onto the element and returns where it is.
func (h *Hand) point(l Loc) (float64, float64, error) {
	b, err := h.reveal(l)
	if err != nil {
		return 0, 0, err
	}
	x := b.X + b.W*(0.3+0.4*h.r.Float64())
	y := b.Y + b.H*(0.3+0.4*h.r.Float64())
	h.move(x, y)
	return x, y, nil
}

// Hover moves the pointer onto the element l finds.
func (h *Hand) Hover(l Loc) error {
	_, _, err := h.point(l)
	return err
}

// Click clicks the element l finds.
func (h *Hand) Click(l Loc) error {
	x, y, err := h.point(l)
	if err != nil {
		return err
	}
	for _, t := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		p := input.DispatchMouseEventParams{Type: t, X: x, Y: y, Button: input.MouseButtonLeft, ClickCount: 1}
		if t == input.DispatchMouseEventTypeMousePressed {
			p.Buttons = 1
		}
		if _, err := chromedp.Call(h.ctx, input.DispatchMouseEvent, p); err != nil {
			return fmt.Errorf("hand: click on %s: %w", l, err)
		}
		_ = pause(h.ctx, time.Duration(20+h.r.IntN(30))*time.Millisecond)
	}
	return nil
}

// Type clicks the field l finds, selects what it holds and types text.
func (h *Hand) Type(l Loc, text string) error {
	if err := h.Click(l); err != nil {
		return err
	}
	filled, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool](`(() => { const a = document.activeElement; return !!a && typeof a.value === "string" && a.value !== ""; })()`))
	if err != nil {
		return err
	}
	if filled {
		if err := chromedp.Do(h.ctx, chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
			return err
		}
	}
	return h.Keys(text)
}

// Keys types text where the focus is, one key at a time.
func (h *Hand) Keys(text string) error {
	for _, c := range text {
		if err := chromedp.Do(h.ctx, chromedp.KeyEvent(string(c))); err != nil {
			return fmt.Errorf("hand: typing: %w", err)
		}
	}
	return nil
}

// Press presses a named key: Enter, Tab, Escape, ArrowDown, ArrowUp,
// Backspace.
func (h *Hand) Press(key string) error {
	k, ok := map[string]string{"Enter": kb.Enter, "Tab": kb.Tab, "Escape": kb.Escape, "ArrowDown": kb.ArrowDown, "ArrowUp": kb.ArrowUp, "Backspace": kb.Backspace}[key]
	if !ok {
		return errors.New("hand: no key " + key)
	}
	return chromedp.Do(h.ctx, chromedp.KeyEvent(k))
}

// Choose picks the option whose text is option in the list (a <select>)
// l finds: the list is focused by a click that is then closed with
// Escape, and the option typed, as a person picks from a long list.
func (h *Hand) Choose(l Loc, option string) error {
	if err := h.Click(l); err != nil {
		return err
	}
	if err := h.Press("Escape"); err != nil {
		return err
	}
	if err := h.Keys(option); err != nil {
		return err
	}
	ok, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { %s const e = (%s); return !!e && e.selectedIndex >= 0 && norm(e.options[e.selectedIndex].text) === %s; })()`, locPrelude, l, js(option))))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("hand: typing %q did not choose it in %s", option, l)
	}
	return nil
}

// Pause waits, as a person reads.
func (h *Hand) Pause(d time.Duration) error { return pause(h.ctx, d) }

// Wait waits until the JavaScript expression cond is true.
func (h *Hand) Wait(cond string) error {
	deadline := time.Now().Add(h.Timeout)
	for {
		ok, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hand: waited in vain for %s", cond)
		}
		if err := pause(h.ctx, 40*time.Millisecond); err != nil {
			return err
		}
	}
}

func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ScrollUntil turns the wheel over the container l finds until target
// finds an element (a list that loads more as it is scrolled).
func (h *Hand) ScrollUntil(container, target Loc) error {
	for range 200 {
		t, err := h.locate(target)
		if err != nil {
			return err
		}
		if t.Found {
			return nil
		}
		b, err := h.reveal(container)
		if err != nil {
			return err
		}
		x, y := b.X+b.W/2, b.Y+b.H/2
		h.move(x, y)
		if _, err := chromedp.Call(h.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: input.DispatchMouseEventTypeMouseWheel, X: x, Y: y, DeltaY: 240, DeltaX: 1e-6,
		}); err != nil {
			return fmt.Errorf("hand: wheel: %w", err)
		}
		if err := pause(h.ctx, 80*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("hand: scrolled %s without finding %s", container, target)
}
