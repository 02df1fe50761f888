package extensiontest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// pages serves testdata; with the browser's host rules it is reachable as
// http://shop.test:PORT/ and http://bank.test:PORT/.
func pages(t *testing.T) (shop, bank string) {
	t.Helper()
	s := httptest.NewServer(http.FileServer(http.Dir("testdata")))
	t.Cleanup(s.Close)
	_, port, _ := strings.Cut(s.Listener.Addr().String(), ":")
	return "http://shop.test:" + port, "http://bank.test:" + port
}

const token = "tok-3f9a1c-member"

// uploads stands in for the cooperative's POST /api/v1/recordings: it
// keeps every request and answers as the server does — 201 with the
// verdict, or the API's error document while fail is set.
type uploads struct {
	mu     sync.Mutex
	bodies []string
	auth   []string
	fail   bool
}

func (u *uploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/recordings" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.bodies = append(u.bodies, string(body))
	u.auth = append(u.auth, r.Header.Get("Authorization"))
	fail := u.fail
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Header.Get("Authorization") != "Bearer "+token:
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"unauthorized","message":"That token is not valid."}}`)
	case r.Header.Get("Content-Type") != "application/json":
		w.WriteHeader(http.StatusUnsupportedMediaType)
		_, _ = io.WriteString(w, `{"error":{"code":"invalid","message":"Send JSON."}}`)
	case fail:
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"error":{"code":"invalid","message":"The recording has problems.","fields":{"steps[2].selectors":"no selector finds the element"}}}`)
	default:
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"r-7Kq2","status":"verified","reasons":["steady human timing"]}`)
	}
}

func (u *uploads) setFail(v bool) {
	u.mu.Lock()
	u.fail = v
	u.mu.Unlock()
}

func (u *uploads) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.bodies)
}

func (u *uploads) last(t *testing.T) (body, auth string) {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.bodies) == 0 {
		t.Fatal("nothing was uploaded")
	}
	return u.bodies[len(u.bodies)-1], u.auth[len(u.auth)-1]
}

// el is the JavaScript expression for the first element sel finds.
func el(sel string) string {
	b, _ := json.Marshal(sel)
	return "document.querySelector(" + string(b) + ")"
}

// stepIndex returns the index of the first step of type typ one of whose
// selectors contains sub, or -1.
func stepIndex(r Recording, typ, sub string) int {
	for i, s := range r.Steps {
		if s["type"] != typ {
			continue
		}
		for _, sel := range Selectors(s) {
			if strings.Contains(sel, sub) {
				return i
			}
		}
	}
	return -1
}

func countSteps(r Recording, typ, sub string) int {
	n := 0
	for _, s := range r.Steps {
		if s["type"] == typ && slices.ContainsFunc(Selectors(s), func(sel string) bool { return strings.Contains(sel, sub) }) {
			n++
		}
	}
	return n
}

func countEvents(r Recording, kind, key string) int {
	n := 0
	for _, e := range r.Allmende.Events {
		if e.Kind == kind && (key == "" || e.Key == key) {
			n++
		}
	}
	return n
}

// navigationURL is the URL a step asserts it navigates to, or "".
func navigationURL(step map[string]any) string {
	list, _ := step["assertedEvents"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["type"] == "navigation" {
			u, _ := m["url"].(string)
			return u
		}
	}
	return ""
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func jsBool(t *testing.T, ctx context.Context, js string) bool {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	t.Logf("screenshot %s", browsertest.Screenshot(t, ctx, "extension-"+name))
}

// A member records a checkout, reviews it (a field made a parameter, a
// step deleted), meets a server error, and uploads.
func TestRecordReviewUpload(t *testing.T) {
	t.Parallel()
	shop, _ := pages(t)
	up := &uploads{}
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	ext := Browser(t, srv.URL, token)

	page := ext.NewTab(t, shop+"/form.html")
	popup := ext.Popup(t, page)
	shot(t, popup, "popup-idle")
	do(t, popup, chromedp.Click(chromedp.ID("start")))
	WaitText(t, popup, "#status-text", "Recording")
	shot(t, popup, "popup-recording")
	ClosePopup(popup)

	MoveClick(t, page, el("#email"))
	Type(t, page, "alice@example.org")
	MoveClick(t, page, el("#password"))
	Type(t, page, "hunter2-secret")
	Type(t, page, kb.Tab)       // to the country list
	Type(t, page, kb.ArrowDown) // Germany → France
	MoveClick(t, page, el("label.check"))
	MoveClick(t, page, el("[data-testid=city-input]"))
	Type(t, page, "Berlin")
	Type(t, page, kb.Enter) // sends the form
	WaitText(t, page, "h1", "Thank you")
	DoubleClick(t, page, el("[data-testid=cell]"))
	WaitText(t, page, "#edits", "1")
	Wheel(t, page, Point{400, 300}, 500)
	time.Sleep(500 * time.Millisecond) // the scroll step settles
	MoveClick(t, page, el("a[href='/form.html']"))
	WaitText(t, page, "h1", "Checkout")

	review := ext.Stop(t, page)
	before := Decode(t, ext.ReviewJSON(t, review))
	city := stepIndex(before, "change", "city-input")
	terms := stepIndex(before, "click", "text/I accept the terms")
	if city < 0 || terms < 0 {
		t.Fatalf("no city change (%d) or terms click (%d) in\n%s", city, terms, ext.ReviewJSON(t, review))
	}

	// Make the city a parameter, keeping what was typed as its default.
	ext.MakeParameter(t, review, city, "city", "City", true)
	// Delete the click on the terms.
	do(t, review, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#steps li[data-index="%d"] .delete`, terms))))
	do(t, review, chromedp.Click(chromedp.CSS("#json-details summary")))
	shot(t, review, "review")

	// The server refuses: the member reads why, and keeps the recording.
	up.setFail(true)
	res := ext.Upload(t, review)
	if !strings.Contains(res, "The recording has problems.") || !strings.Contains(res, "no selector finds the element") {
		t.Errorf("error shown = %q", res)
	}
	if !jsBool(t, review, `document.querySelector('#steps li[data-index="2"]').classList.contains("error")`) {
		t.Error("the step the server named is not marked")
	}
	shot(t, review, "review-error")
	if n := Eval[int](t, ext, `chrome.storage.local.get(null).then(all => Object.keys(all).filter(k => k.startsWith("rec:")).length)`); n != 1 {
		t.Errorf("%d recordings kept after a failed upload, want 1", n)
	}

	up.setFail(false)
	shown := ext.ReviewJSON(t, review)
	res = ext.Upload(t, review)
	if !strings.Contains(res, "r-7Kq2") || !strings.Contains(res, "verified") {
		t.Errorf("result shown = %q", res)
	}
	shot(t, review, "review-uploaded")
	body, auth := up.last(t)
	if up.count() != 2 {
		t.Errorf("%d upload requests, want 2", up.count())
	}
	if auth != "Bearer "+token {
		t.Errorf("Authorization = %q", auth)
	}
	if body != shown {
		t.Errorf("the upload differs from what the review page showed:\nshown %s\nsent  %s", shown, body)
	}
	if n := Eval[int](t, ext, `chrome.storage.local.get(null).then(all => Object.keys(all).filter(k => k.startsWith("rec:")).length)`); n != 0 {
		t.Errorf("%d recordings kept after the upload, want 0", n)
	}

	r := Decode(t, body)
	t.Run("recorder format", func(t *testing.T) {
		if len(r.Steps) < 2 || r.Steps[0]["type"] != "setViewport" || r.Steps[1]["type"] != "navigate" {
			t.Fatalf("steps do not start with setViewport, navigate: %v", r.Steps[:min(2, len(r.Steps))])
		}
		if r.Steps[1]["url"] != shop+"/form.html" {
			t.Errorf("first navigate url = %v", r.Steps[1]["url"])
		}
		i := stepIndex(r, "click", "#email")
		if i < 0 {
			t.Fatal("no click on #email")
		}
		sels := Selectors(r.Steps[i])
		if len(sels) < 3 || !strings.HasPrefix(sels[0], "aria/") || sels[1] != "#email" || !strings.HasPrefix(sels[2], "xpath/") {
			t.Errorf("selectors of the email click = %q, want aria, css, xpath first", sels)
		}
		for _, k := range []string{"offsetX", "offsetY"} {
			if _, ok := r.Steps[i][k].(float64); !ok {
				t.Errorf("click has no %s", k)
			}
		}
		enter := slices.IndexFunc(r.Steps, func(s map[string]any) bool { return s["type"] == "keyDown" && s["key"] == "Enter" })
		if enter < 0 || !strings.Contains(navigationURL(r.Steps[enter]), "/done.html?") {
			t.Errorf("keyDown Enter does not assert the form's navigation: %v", r.Steps[max(enter, 0)])
		}
		back := stepIndex(r, "click", "Back to the shop")
		if back < 0 || navigationURL(r.Steps[back]) != shop+"/form.html" {
			t.Errorf("the link click does not assert its navigation (step %d)", back)
		}
		if !slices.ContainsFunc(r.Steps, func(s map[string]any) bool { return s["type"] == "keyDown" && s["key"] == "Tab" }) {
			t.Error("no keyDown Tab step")
		}
		if c := stepIndex(r, "change", "#country"); c < 0 || r.Steps[c]["value"] != "fr" {
			t.Errorf("country change = step %d, want value fr", c)
		}
		if n := countSteps(r, "doubleClick", "cell"); n != 1 {
			t.Errorf("%d doubleClick steps on the cell, want 1", n)
		}
		if n := countSteps(r, "click", "cell"); n != 0 {
			t.Errorf("the double click is also reported as %d clicks", n)
		}
		if countEvents(r, "dblclick", "") != 1 {
			t.Errorf("%d dblclick events, want 1", countEvents(r, "dblclick", ""))
		}
		if !slices.ContainsFunc(r.Steps, func(s map[string]any) bool { return s["type"] == "scroll" }) || countEvents(r, "scroll", "") == 0 {
			t.Error("the scroll is missing from the steps or the events")
		}
		if r.Title == "" || r.Allmende.Version != 1 || r.Allmende.Recorder != "allmende-extension/0.1" {
			t.Errorf("title %q, version %d, recorder %q", r.Title, r.Allmende.Version, r.Allmende.Recorder)
		}
		if r.Allmende.Viewport.Width <= 0 || r.Allmende.Viewport.Height <= 0 {
			t.Errorf("viewport %+v", r.Allmende.Viewport)
		}
	})
	t.Run("privacy", func(t *testing.T) {
		for _, secret := range []string{"hunter2", "alice", "example.org"} {
			if strings.Contains(body, secret) {
				t.Errorf("the upload contains %q", secret)
			}
		}
		email := stepIndex(r, "change", "#email")
		pw := stepIndex(r, "change", "#password")
		if email < 0 || pw < 0 {
			t.Fatalf("change steps: email %d, password %d", email, pw)
		}
		for _, i := range []int{email, pw} {
			if r.Steps[i]["value"] != "" || !slices.Contains(r.Allmende.Masked, i) {
				t.Errorf("step %d: value %q, masked %v", i, r.Steps[i]["value"], r.Allmende.Masked)
			}
		}
		// Only the e-mail address and the city were typed into fields that
		// are not secret: their characters, and none of the password's.
		want := len("alice@example.org") + len("Berlin")
		if n := countEvents(r, "keydown", "char"); n != want {
			t.Errorf("%d char keydowns, want %d (the password's keys must not be there)", n, want)
		}
		if n := countEvents(r, "keyup", "char"); n != want {
			t.Errorf("%d char keyups, want %d", n, want)
		}
		for _, e := range r.Allmende.Events {
			if e.Key != "" && !slices.Contains([]string{"char", "backspace", "delete", "enter", "tab", "arrow", "modifier"}, e.Key) {
				t.Errorf("event key %q is not a key class", e.Key)
			}
		}
	})
	t.Run("parameter", func(t *testing.T) {
		c := stepIndex(r, "change", "city-input")
		if c < 0 || r.Steps[c]["value"] != "{{city}}" || slices.Contains(r.Allmende.Masked, c) {
			t.Fatalf("city change: step %d %v, masked %v", c, r.Steps[max(c, 0)], r.Allmende.Masked)
		}
		p := r.Allmende.Parameters
		// The default the member kept, "Berlin", is a place: the review
		// page's redaction replaces it as it replaces every kept value.
		if len(p) != 1 || p[0].Name != "city" || p[0].Label != "City" || p[0].Default == nil || *p[0].Default != "<LOCATION>" {
			t.Errorf("parameters = %+v", p)
		}
		enter := slices.IndexFunc(r.Steps, func(s map[string]any) bool { return s["type"] == "keyDown" && s["key"] == "Enter" })
		u := navigationURL(r.Steps[enter])
		for _, want := range []string{"city={{city}}", "email=&", "password=&"} {
			if !strings.Contains(u, want) {
				t.Errorf("form navigation %q lacks %q", u, want)
			}
		}
	})
	t.Run("deleted step", func(t *testing.T) {
		if i := stepIndex(r, "click", "accept the terms"); i >= 0 {
			t.Errorf("the deleted terms click is step %d", i)
		}
		if i := stepIndex(r, "click", "#terms"); i >= 0 {
			t.Errorf("the label's click was also recorded on the checkbox (step %d)", i)
		}
		for _, i := range r.Allmende.Masked {
			if r.Steps[i]["type"] != "change" {
				t.Errorf("masked index %d is a %v step", i, r.Steps[i]["type"])
			}
		}
	})
	t.Run("events", func(t *testing.T) {
		prev := -1.0
		clicks := 0
		for _, e := range r.Allmende.Events {
			if e.T < prev {
				t.Fatalf("events out of order at t=%v", e.T)
			}
			prev = e.T
			if e.Kind != "click" && e.Kind != "dblclick" {
				continue
			}
			if e.X == 0 && e.Y == 0 {
				// Enter on the form fired a click on its submit button: a
				// keyboard click, with no position and no pointer path.
				if len(e.Path) != 0 || e.Target == "" {
					t.Errorf("keyboard click at %v: %d path points, target %q", e.T, len(e.Path), e.Target)
				}
				continue
			}
			clicks++
			if len(e.Path) == 0 || len(e.Path) > 64 || len(e.Box) != 4 || e.Target == "" {
				t.Errorf("click at %v: %d path points, box %v, target %q", e.T, len(e.Path), e.Box, e.Target)
			}
			for _, p := range e.Path {
				if p[0] > e.T || p[0] < 0 {
					t.Errorf("path point at %v outside 0..%v", p[0], e.T)
				}
			}
		}
		if clicks < 5 {
			t.Errorf("%d click events, want at least 5", clicks)
		}
		if n := countEvents(r, "navigate", ""); n != 3 {
			t.Errorf("%d navigate events, want 3", n)
		}
		if n := countEvents(r, "input", ""); n != 4 {
			t.Errorf("%d input events, want 4 (email, password, country, city)", n)
		}
	})
	replay(t, body, map[string]string{"city": "Berlin"}, `location.pathname === "/form.html"`)
}

// Steps in a same-origin frame carry the frame's index; elements in an
// open shadow root are found by pierce/ and by a CSS selector per root.
func TestFramesAndShadowDOM(t *testing.T) {
	t.Parallel()
	shop, _ := pages(t)
	ext := Start(t)
	page := ext.NewTab(t, shop+"/frames.html")
	ext.Start(t, page)
	frame := `document.querySelector("iframe").contentDocument`
	MoveClick(t, page, frame+`.querySelector("#frame-input")`)
	Type(t, page, "hello frame")
	MoveClick(t, page, frame+`.querySelector("#frame-button")`)
	shadow := `document.querySelector("fancy-widget").shadowRoot`
	MoveClick(t, page, shadow+`.querySelector("#inner-name")`)
	Type(t, page, "deep")
	MoveClick(t, page, shadow+`.querySelector("#inner-go")`)
	WaitText(t, page, "#out", "deeper: deep")
	review := ext.Stop(t, page)
	body := ext.ReviewJSON(t, review)
	r := Decode(t, body)

	for _, c := range []struct{ typ, sel string }{{"click", "#frame-button"}, {"change", "#frame-input"}} {
		i := stepIndex(r, c.typ, c.sel)
		if i < 0 {
			t.Fatalf("no %s on %s in\n%s", c.typ, c.sel, body)
		}
		if f, _ := json.Marshal(r.Steps[i]["frame"]); string(f) != "[0]" {
			t.Errorf("%s on %s: frame %s, want [0]", c.typ, c.sel, f)
		}
	}
	if sels := Selectors(r.Steps[stepIndex(r, "click", "#frame-button")]); sels[0] != "aria/Press in frame" {
		t.Errorf("frame button selectors = %q", sels)
	}
	i := stepIndex(r, "click", "inner-go")
	if i < 0 {
		t.Fatalf("no click on the shadow button in\n%s", body)
	}
	sels := Selectors(r.Steps[i])
	if !slices.Contains(sels, "pierce/#inner-go") || !slices.Contains(sels, "#widget >>> #inner-go") {
		t.Errorf("shadow button selectors = %q, want pierce/#inner-go and the CSS pair", sels)
	}
	if _, ok := r.Steps[i]["frame"]; ok {
		t.Error("a step in the top document has a frame")
	}
	if c := stepIndex(r, "change", "inner-name"); c < 0 || !slices.Contains(r.Allmende.Masked, c) {
		t.Errorf("the shadow input's change is step %d, masked %v", c, r.Allmende.Masked)
	} else if c > i {
		// Focus moving inside one shadow root sends no focusout out of
		// it: the typing ended when the button was pressed, and a replay
		// must type before it clicks.
		t.Errorf("the shadow input's change is step %d, after the click on the button it preceded (step %d)", c, i)
	}
	// The targets say where the elements live: the frame's index, the
	// shadow root; the outline of the page reads both.
	rec := recordingOf(t, body)
	for _, c := range []struct {
		step   int
		name   string
		frame  string
		shadow bool
	}{
		{stepIndex(r, "click", "#frame-button"), "Press in frame", "[0]", false},
		{i, "Go deeper", "null", true},
	} {
		var tg *recording.Target
		for k := range rec.Allmende.Targets {
			if rec.Allmende.Targets[k].Step == c.step {
				tg = &rec.Allmende.Targets[k]
			}
		}
		if tg == nil {
			t.Errorf("step %d (%s) has no target", c.step, c.name)
			continue
		}
		if f, _ := json.Marshal(tg.Frame); tg.Name != c.name || string(f) != c.frame || tg.Shadow != c.shadow {
			t.Errorf("step %d's target: name %q, frame %s, shadow %v; want %q, %s, %v", c.step, tg.Name, f, tg.Shadow, c.name, c.frame, c.shadow)
		}
	}
	if o := rec.Allmende.Outlines; len(o) == 0 || !slices.ContainsFunc(o[0].Nodes, func(n recording.Node) bool {
		return n.Name == "Press in frame" && len(n.Frame) == 1
	}) || !slices.ContainsFunc(o[0].Nodes, func(n recording.Node) bool { return n.Name == "Go deeper" && n.Shadow }) {
		t.Errorf("the outline lacks the frame's button or the shadow root's")
	}
	replay(t, body, nil, `document.getElementById("out").textContent === "deeper: " &&
		document.querySelector("iframe").contentDocument.body.dataset.pressed === "yes"`)
}

// Recording refuses to start on a sensitive site and stops when the tab
// goes to one; the shipped list covers the kinds of sites it promises.
func TestSensitiveSites(t *testing.T) {
	t.Parallel()
	shop, bank := pages(t)
	ext := Start(t)

	urls := map[string]string{
		"https://mail.google.com/mail/u/0/#inbox": "webmail",
		"https://outlook.office.com/mail/":        "webmail",
		"https://www.gmx.net/":                    "webmail",
		"https://navigator.web.de/login":          "webmail",
		"https://www.paypal.com/signin":           "banking",
		"https://online.example.bank/":            "banking",
		"https://www.sparkasse.de/":               "banking",
		"https://secure.chase.com/web/auth":       "banking",
		"https://mychart.example-health.org/":     "health",
		"https://www.elster.de/eportal/start":     "government",
		"https://signin.account.gov.uk/":          "government",
		"https://secure.login.gov/":               "government",
		"https://api.id.me/en/session/new":        "government",
		"https://example.org/":                    "",
		"https://evilpaypal.com/":                 "",
		"https://web.de/magazine/":                "",
	}
	list, _ := json.Marshal(slices.Sorted(func(yield func(string) bool) {
		for u := range urls {
			if !yield(u) {
				return
			}
		}
	}))
	got := Eval[map[string]string](t, ext, fmt.Sprintf(`import("./sites.js").then(async m => {
		const rules = await m.loadRules();
		const out = {};
		for (const u of %s) { const b = m.findBlock(u, rules); out[u] = b ? b.category : ""; }
		return out;
	})`, list))
	for u, want := range urls {
		if got[u] != want {
			t.Errorf("%s: category %q, want %q", u, got[u], want)
		}
	}

	// The member's own list: bank.test.
	ext.BlockSites(t, "bank.test")
	bankPage := ext.NewTab(t, bank+"/bank.html")
	popup := ext.Popup(t, bankPage)
	reason := WaitText(t, popup, "#reason", "bank.test")
	if !strings.Contains(reason, "your own list") || !jsBool(t, popup, `document.getElementById("start").disabled`) {
		t.Errorf("refusal = %q, start enabled", reason)
	}
	shot(t, popup, "popup-refused")
	ClosePopup(popup)
	refused := Eval[map[string]any](t, ext, fmt.Sprintf(`chrome.runtime.sendMessage({type: "start", tabId: %d})`, ext.TabID(t, bankPage)))
	if refused["ok"] != false || !strings.Contains(fmt.Sprint(refused["reason"]), "bank.test") {
		t.Errorf("start on bank.test answered %v", refused)
	}

	_ = chromedp.Cancel(bankPage)

	// Following a link there stops the recording, and says why.
	page := ext.NewTab(t, shop+"/done.html")
	ext.Start(t, page)
	MoveClick(t, page, el("#bank"))
	WaitText(t, page, "h1", "Online banking")
	popup = ext.Popup(t, page)
	WaitText(t, popup, "#status-text", "Not recording")
	stopped := WaitText(t, popup, "#reason", "Recording stopped")
	if !strings.Contains(stopped, "bank.test") {
		t.Errorf("stop reason = %q", stopped)
	}
	shot(t, popup, "popup-stopped")
	before := ext.reviewTargets(t)
	do(t, popup, chromedp.Click(chromedp.CSS("#drafts .review")))
	review := ext.waitReview(t, before)
	WaitText(t, review, "#stop-reason", "bank.test")
	if body := ext.ReviewJSON(t, review); strings.Contains(body, "bank.test") || strings.Contains(body, "Online banking") {
		t.Errorf("the recording holds the sensitive site:\n%s", body)
	}
}

// Pausing stops the capture of steps and events; the popup works from the
// keyboard; an unreachable server is reported plainly.
func TestPauseAndNetworkError(t *testing.T) {
	t.Parallel()
	shop, _ := pages(t)
	// An address where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	ext := Browser(t, dead, token)

	page := ext.NewTab(t, shop+"/form.html")
	popup := ext.Popup(t, page)
	if !jsBool(t, popup, `document.activeElement && document.activeElement.id === "start"`) {
		t.Error("the Start button does not have the focus")
	}
	Type(t, popup, kb.Enter)
	WaitText(t, popup, "#status-text", "Recording")
	ClosePopup(popup)

	MoveClick(t, page, el("#email"))
	Type(t, page, "first@example.org")
	ext.Pause(t, page)
	MoveClick(t, page, el("[data-testid=city-input]"))
	Type(t, page, "Paris")
	MoveClick(t, page, el("label.check"))
	ext.Resume(t, page)
	MoveClick(t, page, el("button[type=submit]"))
	WaitText(t, page, "h1", "Thank you")
	review := ext.Stop(t, page)
	body := ext.ReviewJSON(t, review)
	r := Decode(t, body)

	if i := stepIndex(r, "change", "city-input"); i >= 0 {
		t.Errorf("a change while paused was recorded as step %d", i)
	}
	if i := stepIndex(r, "click", "accept the terms"); i >= 0 {
		t.Errorf("a click while paused was recorded as step %d", i)
	}
	if strings.Contains(body, "Paris") {
		t.Error("what was typed while paused is in the recording")
	}
	if stepIndex(r, "change", "#email") < 0 {
		t.Error("the change before the pause is missing")
	}
	send := stepIndex(r, "click", "Send order")
	if send < 0 || !strings.Contains(navigationURL(r.Steps[send]), "/done.html") {
		t.Errorf("the click after resuming is missing or asserts no navigation (step %d)", send)
	}
	if n, want := countEvents(r, "keydown", "char"), len("first@example.org"); n != want {
		t.Errorf("%d char keydowns, want %d", n, want)
	}
	if n := countEvents(r, "input", ""); n != 1 {
		t.Errorf("%d input events, want 1", n)
	}
	if n := countEvents(r, "click", ""); n != 2 {
		t.Errorf("%d click events, want 2", n)
	}

	res := ext.Upload(t, review)
	if !strings.Contains(res, "Could not reach") || !strings.Contains(res, "kept here") {
		t.Errorf("network error shown as %q", res)
	}
	shot(t, review, "review-network-error")
}

// replay checks a recording with the reference runner, parameters
// replaced by values first as the server does before a run.
func replay(t *testing.T, body string, values map[string]string, check string) {
	t.Helper()
	for k, v := range values {
		body = strings.ReplaceAll(body, "{{"+k+"}}", v)
	}
	t.Run("@puppeteer/replay", func(t *testing.T) {
		browsertest.ReferenceReplay(t, body, check, "--host-resolver-rules=MAP *.test 127.0.0.1")
	})
}
