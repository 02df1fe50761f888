// Package extensiontest starts Debian's Chromium with the Allmende recorder
// extension (the extension/ folder) loaded, and drives it the way a member
// does: through its popup, review and options pages, and through trusted
// input events (the DevTools protocol's Input domain) on the recorded page.
//
// Other packages use it for end-to-end tests:
//
//	ext := extensiontest.Browser(t, server.URL, token)
//	page := ext.NewTab(t, server.URL+"/some/page")
//	ext.Start(t, page)
//	extensiontest.MoveClick(t, page, `document.querySelector("#go")`)
//	review := ext.Stop(t, page)
//	body := ext.ReviewJSON(t, review) // what Upload will send
//	result := ext.Upload(t, review)   // the text the member reads
//
// Host names ending in .test resolve to 127.0.0.1, so a test server can be
// reached as http://shop.test:PORT/ or http://bank.test:PORT/.
package extensiontest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allmende/allmende/extension"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Dir returns the absolute path of the extension's folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "extension")
}

// Extension is a running Chromium with the recorder loaded.
type Extension struct {
	// ID is the extension's id: its pages are chrome-extension://ID/….
	ID string
	// ctx is the browser's first tab, kept on the options page so that the
	// tests can call the extension's APIs (chrome.tabs, chrome.storage).
	ctx context.Context
}

// Start launches Chromium with the extension, every site granted (see
// StartGranting), and waits for its service worker. The browser lives
// until the test ends.
func Start(t testing.TB) *Extension {
	t.Helper()
	return StartGranting(t, []string{"<all_urls>"})
}

// StartGranting launches Chromium with the extension, the sites hosts
// (match patterns) granted as a member grants them from the popup: the
// permission prompt of headless Chromium has no window to click in. With
// no hosts, the extension has no site, as when it is installed.
func StartGranting(t testing.TB, hosts []string) *Extension {
	t.Helper()
	dir := t.TempDir()
	if err := extension.UnpackGranting(dir, hosts); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t,
		chromedp.Flag("disable-extensions", false),
		chromedp.Flag("load-extension", dir),
		chromedp.Flag("disable-extensions-except", dir),
		chromedp.Flag("host-resolver-rules", "MAP *.test 127.0.0.1"),
		chromedp.WindowSize(1280, 800),
	)
	e := &Extension{ctx: ctx}
	deadline := time.Now().Add(10 * time.Second)
	for e.ID == "" {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "service_worker" && strings.HasPrefix(info.URL, "chrome-extension://") &&
				strings.HasSuffix(info.URL, "/background.js") {
				e.ID = strings.TrimPrefix(strings.TrimSuffix(info.URL, "/background.js"), "chrome-extension://")
			}
		}
		if e.ID == "" {
			if time.Now().After(deadline) {
				t.Fatal("the extension's service worker did not start: is extension/manifest.json valid?")
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL("options.html")), waitReady()); err != nil {
		t.Fatalf("open the options page: %v", err)
	}
	return e
}

// Browser starts Chromium with the extension, set up through its options
// page to upload to serverURL with token.
func Browser(t testing.TB, serverURL, token string) *Extension {
	t.Helper()
	e := Start(t)
	e.Configure(t, serverURL, token)
	return e
}

// URL returns the address of one of the extension's pages.
func (e *Extension) URL(path string) string {
	return "chrome-extension://" + e.ID + "/" + path
}

// clearField empties an input, so that typing replaces its value.
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel))(ctx, tg)
		return err
	})
}

func waitReady() chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`))
}

// Configure fills in the options page as a member does.
func (e *Extension) Configure(t testing.TB, serverURL, token string) {
	t.Helper()
	err := chromedp.Do(e.ctx,
		chromedp.Navigate(e.URL("options.html")), waitReady(),
		clearField("#server"),
		chromedp.SendKeys(chromedp.ID("server"), serverURL),
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.ID("save-server")),
	)
	if err != nil {
		t.Fatalf("configure the extension: %v", err)
	}
	WaitText(t, e.ctx, "#server-status", "Saved")
}

// BlockSites adds patterns to the member's own list of blocked sites.
func (e *Extension) BlockSites(t testing.TB, patterns ...string) {
	t.Helper()
	err := chromedp.Do(e.ctx,
		chromedp.Navigate(e.URL("options.html")), waitReady(),
		chromedp.SendKeys(chromedp.ID("own"), strings.Join(patterns, "\n")),
		chromedp.Click(chromedp.ID("save-sites")),
	)
	if err != nil {
		t.Fatalf("block sites: %v", err)
	}
	WaitText(t, e.ctx, "#sites-status", "Saved")
}

// Eval runs JavaScript in the extension's options page, where the
// extension's APIs are available, and decodes its (awaited) result.
func Eval[T any](t testing.TB, e *Extension, js string) T {
	t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// NewTab opens url in a new tab, ready for trusted input.
func (e *Extension) NewTab(t testing.TB, url string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.ctx)
	t.Cleanup(cancel)
	err := chromedp.Do(ctx,
		// A page in a background tab is not focused, and then focus and
		// blur, which end a field's edit, do not happen as for a person.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
			return err
		}),
		chromedp.Navigate(url),
	)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return ctx
}

// TabID returns the extension API's id of the tab that ctx drives.
func (e *Extension) TabID(t testing.TB, ctx context.Context) int {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// A tab on a site the extension may not read has no url in the tabs
	// API; the navigation API has it.
	js := fmt.Sprintf(`chrome.tabs.query({}).then(ts => Promise.all(ts.map(t => t.url ? t :
		chrome.webNavigation.getFrame({tabId: t.id, frameId: 0}).then(f => ({id: t.id, url: f && f.url}), () => t))))
		.then(ts => ts.filter(t => t.url === %q).map(t => t.id))`, loc)
	ids := Eval[[]int](t, e, js)
	if len(ids) != 1 {
		t.Fatalf("%d tabs show %s; TabID needs exactly one", len(ids), loc)
	}
	return ids[0]
}

// Popup opens the popup for the tab that page drives, in a tab of its own
// (popup.html?tab=ID), the size of the real popup.
func (e *Extension) Popup(t testing.TB, page context.Context) context.Context {
	t.Helper()
	id := e.TabID(t, page)
	ctx, cancel := chromedp.NewContext(e.ctx)
	t.Cleanup(cancel)
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: 340, Height: 420, DeviceScaleFactor: 1,
			})
			return err
		}),
		chromedp.Navigate(e.URL(fmt.Sprintf("popup.html?tab=%d", id))), waitReady(),
	)
	if err != nil {
		t.Fatalf("open the popup: %v", err)
	}
	return ctx
}

// ClosePopup closes a popup opened with Popup, as the browser does when
// the member clicks elsewhere.
func ClosePopup(popup context.Context) {
	_ = chromedp.Cancel(popup)
}

// Start starts recording page's tab by clicking Start in the popup.
func (e *Extension) Start(t testing.TB, page context.Context) {
	t.Helper()
	popup := e.Popup(t, page)
	if err := chromedp.Do(popup, chromedp.Click(chromedp.ID("start"))); err != nil {
		t.Fatalf("click Start: %v", err)
	}
	WaitText(t, popup, "#status-text", "Recording")
	ClosePopup(popup)
}

// Pause and Resume click the popup's buttons of the same names.
func (e *Extension) Pause(t testing.TB, page context.Context) {
	t.Helper()
	e.popupAction(t, page, "pause", "Paused")
}

func (e *Extension) Resume(t testing.TB, page context.Context) {
	t.Helper()
	e.popupAction(t, page, "resume", "Recording")
}

func (e *Extension) popupAction(t testing.TB, page context.Context, button, want string) {
	t.Helper()
	popup := e.Popup(t, page)
	if err := chromedp.Do(popup, chromedp.Click(chromedp.ID(button))); err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	WaitText(t, popup, "#status-text", want)
	ClosePopup(popup)
}

// Stop clicks "Stop and review" in the popup and returns the review page
// the extension opens.
func (e *Extension) Stop(t testing.TB, page context.Context) context.Context {
	t.Helper()
	before := e.reviewTargets(t)
	popup := e.Popup(t, page)
	if err := chromedp.Do(popup, chromedp.Click(chromedp.ID("stop"))); err != nil {
		t.Fatalf("click Stop: %v", err)
	}
	WaitText(t, popup, "#status-text", "Not recording")
	ClosePopup(popup)
	return e.waitReview(t, before)
}

func (e *Extension) reviewTargets(t testing.TB) map[target.ID]bool {
	t.Helper()
	infos, err := chromedp.Targets(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[target.ID]bool{}
	for _, info := range infos {
		if strings.HasPrefix(info.URL, e.URL("review.html")) {
			seen[info.TargetID] = true
		}
	}
	return seen
}

func (e *Extension) waitReview(t testing.TB, before map[target.ID]bool) context.Context {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		infos, err := chromedp.Targets(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "page" && strings.HasPrefix(info.URL, e.URL("review.html")) && !before[info.TargetID] {
				ctx, cancel := chromedp.NewContext(e.ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				if err := chromedp.Do(ctx, waitReady()); err != nil {
					t.Fatalf("review page: %v", err)
				}
				return ctx
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the review page did not open")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// MakeParameter turns step index of the review into a parameter, as a
// member does on the review page: its name and label, and whether what was
// typed stays as the default.
func (e *Extension) MakeParameter(t testing.TB, review context.Context, index int, name, label string, keepDefault bool) {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#steps li[data-index="%d"] .param-btn`, index))),
		clearField("#param-name"),
		chromedp.SendKeys(chromedp.ID("param-name"), name),
		clearField("#param-label"),
		chromedp.SendKeys(chromedp.ID("param-label"), label),
	}
	if keepDefault {
		actions = append(actions, chromedp.Click(chromedp.ID("param-default")))
	}
	actions = append(actions, chromedp.Click(chromedp.ID("param-save")))
	if err := chromedp.Do(review, actions...); err != nil {
		t.Fatalf("make step %d the parameter %s: %v", index, name, err)
	}
	WaitText(t, review, "#params", "{{"+name+"}}")
}

// ReviewJSON returns the JSON the review page shows: what Upload sends.
func (e *Extension) ReviewJSON(t testing.TB, review context.Context) string {
	t.Helper()
	s, err := chromedp.Run(review, chromedp.Evaluate[string](`document.getElementById("json").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Upload clicks Upload on the review page and returns the text of the
// result the member reads, once there is one.
func (e *Extension) Upload(t testing.TB, review context.Context) string {
	t.Helper()
	if err := chromedp.Do(review, chromedp.Click(chromedp.ID("upload"))); err != nil {
		t.Fatalf("click Upload: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := chromedp.Run(review, chromedp.Evaluate[string](`(() => { const r = document.getElementById("result"); return r.hidden ? "" : r.textContent; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if s != "" && !strings.HasPrefix(s, "Uploading") {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatal("no upload result shown")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitText waits until the element sel's text contains want.
func WaitText(t testing.TB, ctx context.Context, sel, want string) string {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : ""; })()`, sel)
	deadline := time.Now().Add(10 * time.Second)
	for {
		// While the page navigates, reading fails ("target navigated"):
		// that is waiting too.
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err == nil && strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("read %s: %v", sel, err)
			}
			t.Fatalf("%s says %q, want it to contain %q", sel, s, want)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// Point is a position in the top viewport, in CSS pixels.
type Point struct{ X, Y float64 }

// Locate returns the bounding box, in the top viewport, of the element that
// the JavaScript expression elem yields; the element may be in a
// same-origin frame or a shadow root. It scrolls the element into view.
func Locate(t testing.TB, ctx context.Context, elem string) (x, y, w, h float64) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = (%s);
		if (!el) return null;
		el.scrollIntoView({block: "center", inline: "nearest"});
		const r = el.getBoundingClientRect();
		let x = r.left, y = r.top;
		let win = el.ownerDocument.defaultView;
		while (win !== window.top) {
			const fe = win.frameElement;
			const fr = fe.getBoundingClientRect();
			x += fr.left + fe.clientLeft; y += fr.top + fe.clientTop;
			win = win.parent;
		}
		return [x, y, r.width, r.height];
	})()`, elem)
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](js))
	if err != nil || len(box) != 4 {
		t.Fatalf("locate %s: %v", elem, err)
	}
	return box[0], box[1], box[2], box[3]
}

// MoveClick moves the pointer to the element the JavaScript expression
// elem yields, along a curved path with uneven timing, and clicks it a
// little off its centre — as a hand does, so that the recording carries a
// pointer path.
func MoveClick(t testing.TB, ctx context.Context, elem string) Point {
	t.Helper()
	p := MoveTo(t, ctx, elem)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(p.X, p.Y)); err != nil {
		t.Fatalf("click %s: %v", elem, err)
	}
	return p
}

// DoubleClick moves to the element and double-clicks it: two presses, the
// second with a click count of 2, as the browser sees a person's.
func DoubleClick(t testing.TB, ctx context.Context, elem string) {
	t.Helper()
	p := MoveTo(t, ctx, elem)
	err := chromedp.Do(ctx,
		chromedp.MouseClickXY(p.X, p.Y),
		chromedp.Sleep(60*time.Millisecond),
		chromedp.MouseClickXY(p.X, p.Y, chromedp.ClickCount(2)),
	)
	if err != nil {
		t.Fatalf("double-click %s: %v", elem, err)
	}
}

var pointerSeed atomic.Uint64

// MoveTo moves the pointer onto the element and returns where it stopped.
func MoveTo(t testing.TB, ctx context.Context, elem string) Point {
	t.Helper()
	x, y, w, h := Locate(t, ctx, elem)
	seed := pointerSeed.Add(0x9e3779b97f4a7c15)
	rnd := func() float64 { // a small deterministic generator: xorshift
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return float64(seed%10000) / 10000
	}
	end := Point{x + w*(0.35+0.3*rnd()), y + h*(0.3+0.4*rnd())}
	start := Point{math.Max(5, end.X-120-160*rnd()), math.Max(5, end.Y+60+120*rnd())}
	ctrl := Point{(start.X+end.X)/2 + 60*(rnd()-0.5), (start.Y+end.Y)/2 - 40 - 40*rnd()}
	const n = 24
	for i := 0; i <= n; i++ {
		// A minimum-jerk profile, as aimed hand movements have: slow at
		// both ends, peaking near twice the mean speed in the middle.
		s := float64(i) / n
		s = s * s * s * (10 - 15*s + 6*s*s)
		px := (1-s)*(1-s)*start.X + 2*(1-s)*s*ctrl.X + s*s*end.X
		py := (1-s)*(1-s)*start.Y + 2*(1-s)*s*ctrl.Y + s*s*end.Y
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, px, py)); err != nil {
			t.Fatalf("move the pointer: %v", err)
		}
		time.Sleep(time.Duration(12+rnd()*8) * time.Millisecond)
	}
	time.Sleep(40 * time.Millisecond)
	return end
}

// Type sends trusted key events for text to whatever has the focus.
func Type(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(text)); err != nil {
		t.Fatalf("type: %v", err)
	}
}

// TypeByHand types text into whatever has the focus one key at a time, as
// a hand does: each key held for a while, uneven gaps between keys, and now
// and then a longer pause. Type, by contrast, sends every key at once, as
// a script does.
func TypeByHand(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	seed := pointerSeed.Add(0x9e3779b97f4a7c15) | 1
	rnd := func() float64 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return float64(seed%10000) / 10000
	}
	for i, r := range text {
		for _, k := range kb.Encode(r) {
			if k.Type == kb.KeyUp {
				time.Sleep(time.Duration(55+rnd()*90) * time.Millisecond) // the key is held
			}
			if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, *k)
				return err
			})); err != nil {
				t.Fatalf("type %q: %v", r, err)
			}
		}
		gap := 70 + rnd()*180
		if i > 0 && rnd() < 0.12 {
			gap += 300 + rnd()*500 // looking at the note the number is on
		}
		time.Sleep(time.Duration(gap) * time.Millisecond)
	}
}

// Wheel scrolls with the mouse wheel at p by dy CSS pixels.
func Wheel(t testing.TB, ctx context.Context, p Point, dy float64) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// Not input.DispatchMouseEventParams: its DeltaX of 0 is left out of
		// the message, and Chrome requires it.
		return tg.Call(ctx, input.CommandDispatchMouseEvent, map[string]any{
			"type": input.DispatchMouseEventTypeMouseWheel, "x": p.X, "y": p.Y, "deltaX": 0, "deltaY": dy,
		}, nil)
	}))
	if err != nil {
		t.Fatalf("wheel: %v", err)
	}
}

// Recording is the uploaded document, decoded for assertions.
type Recording struct {
	Title    string           `json:"title"`
	Steps    []map[string]any `json:"steps"`
	Allmende struct {
		Version    int    `json:"version"`
		Recorder   string `json:"recorder"`
		Viewport   struct{ Width, Height float64 }
		Parameters []struct {
			Name    string  `json:"name"`
			Label   string  `json:"label"`
			Default *string `json:"default"`
		} `json:"parameters"`
		Masked []int   `json:"masked"`
		Events []Event `json:"events"`
	} `json:"allmende"`
}

// Event is one behavioural event of a recording.
type Event struct {
	Kind    string       `json:"kind"`
	T       float64      `json:"t"`
	X       float64      `json:"x"`
	Y       float64      `json:"y"`
	Path    [][3]float64 `json:"path"`
	Key     string       `json:"key"`
	Target  string       `json:"target"`
	Box     []float64    `json:"box"`
	ScrollY float64      `json:"scroll_y"`
}

// Decode parses a recording's JSON, failing the test if it does not parse.
func Decode(t testing.TB, body string) Recording {
	t.Helper()
	var r Recording
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("recording is not JSON: %v\n%s", err, body)
	}
	return r
}

// Selectors returns a step's selector alternatives, each flattened to one
// string (the parts of a shadow-DOM selector joined by " >>> ").
func Selectors(step map[string]any) []string {
	var out []string
	list, _ := step["selectors"].([]any)
	for _, s := range list {
		switch s := s.(type) {
		case string:
			out = append(out, s)
		case []any:
			var parts []string
			for _, p := range s {
				parts = append(parts, fmt.Sprint(p))
			}
			out = append(out, strings.Join(parts, " >>> "))
		}
	}
	return out
}
