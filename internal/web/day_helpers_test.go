package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// The day tests (issue 15's "Done when") do a worker's, a requester's and
// a steward's whole day in the demo cooperative, in one browser, once at
// a laptop's width and once at a phone's. What the other roles do around
// them is done through the domain, as those people would have done it
// elsewhere. Every page the role sees is checked as TestNoPageScrollsSideways
// checks pages (no sideways scroll, axe-core without serious findings),
// and the key pages are saved as screenshots (ALLMENDE_SCREENSHOTS).
// Issue 17's days — bounty, marketplace, curator, governance, funding —
// are done on SQLite and on PostgreSQL (eachDay), which its "Done when"
// asks for; axe-core checks their pages on the SQLite day (newDayOn).

// dayWidths are the two screens every day is done on.
var dayWidths = []struct {
	name          string
	width, height int64
}{{"laptop", 1280, 900}, {"phone", 390, 844}}

// day is one role's day in a browser tab on the demo cooperative.
type day struct {
	t     *testing.T
	site  demoSite
	ctx   context.Context
	axe   bool
	role  string
	width int64
	// wait bounds each step that waits for the page.
	wait time.Duration
	// shots is the folder of the day's screenshots, "" for none.
	shots string
}

// newDay starts the demo cooperative and one browser for the whole test (a
// browser context of the package's shared Chromium); the test runs in
// parallel with the others that set up a cooperative (demoServer).
func newDay(t *testing.T, role string) *day {
	t.Helper()
	return newDayOn(t, store.SQLite, role)
}

// eachDay does a role's day once per dialect that eachDialect runs on
// (SQLite, and PostgreSQL when ALLMENDE_TEST_POSTGRES names a server), as
// subtests of the same names, each in a demo cooperative of its own.
func eachDay(t *testing.T, role string, fn func(t *testing.T, d *day)) {
	t.Helper()
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		// Beside the other dialect's day, as any two tests that set up a
		// cooperative of their own: the two days share nothing, and one
		// after the other the longest day held a test slot for twice
		// its time.
		t.Parallel()
		fn(t, newDayOn(t, dialect, role))
	})
}

// newDayOn is newDay on a demo cooperative of dialect d.
func newDayOn(t *testing.T, d store.Dialect, role string) *day {
	t.Helper()
	site := demoServerOn(t, d)
	ctx := browsertest.StartFor(t, 8*time.Minute, chromedp.WindowSize(1280, 900))
	shots := os.Getenv("ALLMENDE_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if d != store.SQLite {
		role += "-" + string(d) // the screenshots of both dialects side by side
	}
	// axe-core checks the markup of the pages, which the dialect does not
	// change: the day on PostgreSQL takes the same steps on the same
	// demo, so axe-core runs on the SQLite day only (it took a fifth of
	// a day's time).
	axe := d == store.SQLite && browsertest.HasAxe(t)
	return &day{t: t, site: site, ctx: ctx, axe: axe, role: role, wait: 60 * time.Second, shots: shots}
}

// at sets the screen's width for the next steps.
func (d *day) at(width, height int64) {
	d.t.Helper()
	d.width = width
	if err := chromedp.Do(d.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		d.t.Fatal(err)
	}
}

// url is a path on the demo server.
func (d *day) url(path string) string { return d.site.srv.URL + path }

// do runs browser steps, each wait bounded; a failure shows what <main>
// said.
func (d *day) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(d.ctx, d.wait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		main, _ := chromedp.Run(d.ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body || {innerText: ""}).innerText`))
		loc, _ := chromedp.Run(d.ctx, chromedp.Location())
		d.t.Fatalf("%s at %d px: %v\nat %s:\n%.1500s", what, d.width, err, loc, main)
	}
}

// open goes to a page and checks it as lookAt does.
func (d *day) open(path, shot string) {
	d.t.Helper()
	lookAt(d.t, d.ctx, d.url(path), d.width, d.axe)
	if shot != "" {
		d.shot(shot)
	}
}

// here checks the page the tab shows now — reached by a click or a form —
// as lookAt checks a page: in the layout, no wider than the screen,
// axe-core without serious findings; and saves it as shot, if named.
func (d *day) here(shot string) {
	d.t.Helper()
	look, err := chromedp.Run(d.ctx, chromedp.Evaluate[pageLook](lookJS))
	if err != nil {
		d.t.Fatalf("look at the page: %v", err)
	}
	loc, _ := chromedp.Run(d.ctx, chromedp.Location())
	path := strings.TrimPrefix(loc, d.site.srv.URL)
	if look.ContentType != "text/html" || !look.Main {
		d.t.Errorf("%s at %d px: not a page in the layout (%s)", path, d.width, look.ContentType)
	}
	if look.ScrollWidth > look.ClientWidth {
		d.t.Errorf("%s at %d px is %d px wide (window %d): %v", path, d.width, look.ScrollWidth, look.ClientWidth, look.Wide)
	}
	if d.axe {
		for _, f := range browsertest.Axe(d.t, d.ctx) {
			d.t.Errorf("%s at %d px: axe-core: %s", path, d.width, f)
		}
	}
	if shot != "" {
		d.shot(shot)
	}
}

// shot saves the whole page as day-<role>-<name>-<width>.png in
// $ALLMENDE_SCREENSHOTS. Without it there is no screenshot: in a
// temporary folder nobody could look at it after the test, and the
// screenshots took a twentieth of a day's time.
func (d *day) shot(name string) {
	d.t.Helper()
	if d.shots == "" {
		return
	}
	png, err := chromedp.Run(d.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		d.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(d.shots, fmt.Sprintf("day-%s-%s-%d.png", d.role, name, d.width))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		d.t.Fatal(err)
	}
	d.t.Logf("screenshot: %s", p)
}

// text is the text of the element sel inside <main> (of <main> itself
// for ""); it fails if there is none.
func (d *day) text(sel string) string {
	d.t.Helper()
	s, err := chromedp.Run(d.ctx, chromedp.Evaluate[string](`(() => { const m = document.querySelector("main"), sel = "`+jsEscape(sel)+`"; const e = sel ? m.querySelector(sel) : m; return e ? e.innerText : "\u0000"; })()`))
	if err != nil {
		d.t.Fatalf("%s: %v", sel, err)
	}
	if s == "\x00" {
		main, _ := chromedp.Run(d.ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		d.t.Fatalf("at %d px there is no %q in <main>:\n%.1500s", d.width, sel, main)
	}
	return strings.TrimSpace(s)
}

// count is how many elements inside <main> match sel.
func (d *day) count(sel string) int {
	d.t.Helper()
	n, err := chromedp.Run(d.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main `+jsEscape(sel)+`").length`))
	if err != nil {
		d.t.Fatalf("%s: %v", sel, err)
	}
	return n
}

// has fails the test unless the element sel inside <main> says each of
// wants.
func (d *day) has(sel string, wants ...string) string {
	d.t.Helper()
	s := d.text(sel)
	for _, w := range wants {
		if !strings.Contains(s, w) {
			d.t.Errorf("at %d px %s does not say %q: %q", d.width, sel, w, s)
		}
	}
	return s
}

// lacks fails the test if the element sel inside <main> says any of
// words.
func (d *day) lacks(sel string, words ...string) {
	d.t.Helper()
	s := d.text(sel)
	for _, w := range words {
		if strings.Contains(s, w) {
			d.t.Errorf("at %d px %s says %q: %q", d.width, sel, w, s)
		}
	}
}

// imageShown says whether the work view's image in sel has loaded: a
// decision is taken with the picture in view, not a broken icon.
func (d *day) imageShown(sel string) bool {
	d.t.Helper()
	ok, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`new Promise(done => {
	  const img = document.querySelector("main `+jsEscape(sel)+` svg.work-overlay image");
	  if (!img) return done(false);
	  const probe = new Image();
	  probe.onload = () => done(probe.naturalWidth > 0);
	  probe.onerror = () => done(false);
	  probe.src = img.getAttribute("href");
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		d.t.Fatalf("image in %s: %v", sel, err)
	}
	return ok
}

// confirmAll answers every confirm() dialog of the page with yes, as the
// person clicking would.
func (d *day) confirmAll() {
	d.t.Helper()
	if _, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
		d.t.Fatal(err)
	}
}

// signIn signs in through the form at the current width.
func (d *day) signIn(email string) {
	d.t.Helper()
	signInAs(d.t, d.ctx, d.site.srv.URL, email)
}

// signOut signs out through the nav, opening the menu on a phone.
func (d *day) signOut() {
	d.t.Helper()
	signOutBrowser(d.t, d.ctx)
}

// fetch downloads a path in the tab, with the signed-in member's cookie,
// and returns its status, Content-Type and body.
func (d *day) fetch(path string) (int, string, []byte) {
	d.t.Helper()
	type got struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	g, err := chromedp.Run(d.ctx, chromedp.Evaluate[got](`fetch(`+strconv.Quote(path)+`).then(async r => {
	  const b = new Uint8Array(await r.arrayBuffer());
	  let s = ""; for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
	  return {status: r.status, type: r.headers.get("Content-Type") || "", body: btoa(s)};
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		d.t.Fatalf("download %s: %v", path, err)
	}
	body, err := base64.StdEncoding.DecodeString(g.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return g.Status, g.Type, body
}

// jsEscape keeps a CSS selector inside a double-quoted JS string.
func jsEscape(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }

// as is a demo member by e-mail address.
func (d *day) as(email string) member.Member {
	d.t.Helper()
	m, err := d.site.app.Members.ByEmail(d.t.Context(), email)
	if err != nil {
		d.t.Fatal(err)
	}
	return m
}

// boxProject is an approved box project of Rita's with n photos, one
// answer per photo, reviewed for three days; maxShare is the share of a
// worker's work she may reject before a steward must look.
func (d *day) boxProject(slug, name string, n int, maxShare float64) work.Project {
	d.t.Helper()
	ctx := d.t.Context()
	a := d.site.app
	p, err := a.Work.Create(ctx, d.as("rita@example.org"), work.Project{Slug: slug, Name: name, Client: "Brickworks Robotics (demo client)",
		Purpose: "Teach a robot arm to find the battery box.", Instructions: "Draw one tight box around the battery box; label cables as cable.",
		TaskType: work.BoundingBox, Labels: []string{"battery", "cable"}, PayPerTask: 50, EstSeconds: 30, Budget: 5000, Redundancy: 1,
		ReviewHours: 72, MaxRejectShare: maxShare})
	if err != nil {
		d.t.Fatal(err)
	}
	var items []work.NewItem
	for i := range n {
		img, err := os.Open(shareddata.Path(d.t, "coco/lego-battery/images/IMG20231010093441.jpg"))
		if err != nil {
			d.t.Fatal(err)
		}
		defer img.Close()
		items = append(items, work.NewItem{Item: work.Item{Name: fmt.Sprintf("%s-photo-%d", slug, i+1), Width: 512, Height: 256}, Image: img, MediaType: "image/jpeg"})
	}
	if err := a.Work.AddItems(ctx, p.ID, items); err != nil {
		d.t.Fatal(err)
	}
	if err := a.Work.Approve(ctx, d.as("stella@example.org"), p.Slug); err != nil {
		d.t.Fatal(err)
	}
	return p
}

// answer has a member take the next task of a project and submit raw.
func (d *day) answer(email, slug, raw string) int64 {
	d.t.Helper()
	m := d.as(email)
	a, err := d.site.app.Work.Next(d.t.Context(), m.ID, slug)
	if err != nil {
		d.t.Fatalf("%s takes a task of %s: %v", email, slug, err)
	}
	if _, err := d.site.app.Work.Submit(d.t.Context(), m.ID, a.ID, []byte(raw)); err != nil {
		d.t.Fatalf("%s answers %s: %v", email, raw, err)
	}
	return a.ID
}

// publishLedger runs the ledger's publisher for the rest of the test, as
// Serve does, so that events reach the public log.
func (d *day) publishLedger() {
	d.t.Helper()
	a := d.site.app
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ledger.NewPublisher(a.Ledger, a.Log, slog.New(slog.NewTextHandler(io.Discard, nil))).Run(ctx)
	}()
	d.t.Cleanup(func() { stop(); <-done })
}
