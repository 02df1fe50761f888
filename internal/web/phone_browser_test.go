package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web"
)

// demoServer is the demo cooperative (internal/demo) behind a test
// server — the accounts, projects, datanets and models a newcomer sees —
// with a little more done in it, so that every kind of page has something
// to show: a paid call of the retrieval model (Ada's and Grace's records
// have calls), a trained classifier version, a recording of Ada's,
// verified, published as an automation and run by Rita, and a password
// reset link for Grace. A top-level test that calls it runs in parallel
// with the others that set up a cooperative of their own (parallel).
func demoServer(t *testing.T) demoSite {
	t.Helper()
	return demoServerOn(t, store.SQLite)
}

// demoServerOn is demoServer on dialect d: a copy of the demo's template
// on d (demo_template_test.go) — on PostgreSQL a database of its own,
// dropped when the test ends.
func demoServerOn(t *testing.T, d store.Dialect) demoSite {
	t.Helper()
	parallel(t)
	tmpl, err := demoTemplateOf(d)
	if err != nil {
		t.Fatalf("the demo cooperative on %s: %v", d, err)
	}
	dir := dataDir(t)
	if err := copyDir(tmpl.dir, dir); err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{DataDir: dir}
	if d == store.Postgres {
		cfg.DB = cloneDatabase(t, tmpl.db)
		cfg.VaultKeyFile, cfg.LogKeyFile = filepath.Join(dir, "vault.key"), filepath.Join(dir, "log.key")
	}
	a, err := app.Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if got := a.DB.Dialect(); got != d {
		t.Fatalf("the demo cooperative runs on %s, want %s", got, d)
	}
	srv := httptest.NewServer(a.Web)
	t.Cleanup(srv.Close)
	return demoSite{srv: srv, app: a, run: tmpl.run, reset: tmpl.reset}
}

// demoSite is the demo cooperative as demoServer left it.
type demoSite struct {
	srv *httptest.Server
	app *app.App
	run string // the public id of Rita's queued run
	// reset is Grace's password reset page, which no page links to: the
	// steward hands the link over.
	reset string
}

// notPages are the GET routes that answer something other than a page
// in the layout: files, downloads, the log's tiles, the practice suite's
// own pages and the API.
var notPages = []string{
	"GET /static/",
	"GET /items/{blob}",
	"GET /log/",
	"GET /projects/{slug}/export",
	"GET /datanets/{slug}/versions/{number}/export",
	"GET /practice/parcel",
	"GET /practice/parcel/track",
	"GET /datanets/{slug}/k-anonymous/export",
	"GET /projects/{slug}/examples/{id}",
	"GET /receipts/export",
	"/api/",
}

// unseeded are the pages no seeded link reaches, with why (a page added
// later that no link reaches goes here, with why).
var unseeded = map[string]string{
	"GET /datanets/{slug}/k-anonymous": "reached by the datanet page's form, not a link; TestBrowserKAnonymousExport checks it fits 390 px",
}

// pageRoutes is a mux of every GET page route, to name the route a link
// leads to; the test follows one link per route.
func pageRoutes(t *testing.T) (*http.ServeMux, []string) {
	mux := http.NewServeMux()
	var pages []string
	for _, r := range web.Routes(t) {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if method != "GET" || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/v1/") || path == "/healthz" {
			continue
		}
		mux.Handle(r.Pattern, http.NotFoundHandler())
		if !slices.Contains(notPages, r.Pattern) {
			pages = append(pages, r.Pattern)
		}
	}
	return mux, pages
}

// pageLook is what the test reads off a page.
type pageLook struct {
	ContentType string   `json:"contentType"`
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"` // elements reaching past the right edge
	Links       []string `json:"links"`
	Main        bool     `json:"main"`
}

const lookJS = `(() => {
  const de = document.documentElement;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > de.clientWidth + 0.5 && wide.length < 8) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") + " right=" + Math.round(r.right));
    }
  }
  return {
    contentType: document.contentType, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, innerWidth: window.innerWidth,
    wide, links: [...document.querySelectorAll("a[href]")].map(a => a.href), main: !!document.querySelector("main#content"),
  };
})()`

// TestNoPageScrollsSideways visits every page of the app as a visitor
// and as each demo role — the steward, a member, the requester —, at a
// phone's 390 px and a laptop's 1280 px: every page is in the layout, none
// is wider than the screen, and axe-core finds nothing serious (on every
// page at 390 px; at 1280 px on the first, for the nav bar). At 390 px
// it follows the links the pages show, one per route, and fails if a page
// route was never reached; at 1280 px it visits the same pages again.
func TestNoPageScrollsSideways(t *testing.T) {
	axe := browsertest.HasAxe(t)
	site := demoServer(t)
	srv := site.srv
	mux, pages := pageRoutes(t)
	reached := map[string]bool{}
	roles := []struct{ name, email string }{
		{"visitor", ""},
		{"steward", "stella@example.org"},
		{"member", "ada@example.org"},
		{"requester", "rita@example.org"},
	}
	for _, role := range roles {
		var visit []string
		// Each width has a browser of its own, given six minutes: a
		// role's crawl takes two on a loaded machine.
		t.Run(role.name+"-390", func(t *testing.T) {
			ctx := browsertest.StartFor(t, 6*time.Minute, chromedp.WindowSize(1280, 900))
			queue := []string{srv.URL + "/", srv.URL + "/dashboard", srv.URL + "/no/such/page", srv.URL + "/log/"}
			if role.email == "" {
				queue = append(queue, srv.URL+site.reset)
			}
			signInAs(t, ctx, srv.URL, role.email)
			if role.name == "member" {
				queue = append(queue, takeTask(t, ctx, srv.URL))
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for len(queue) > 0 {
				u := queue[0]
				queue = queue[1:]
				key := routeOf(mux, u)
				if seen[key] {
					continue
				}
				seen[key] = true
				visit = append(visit, u)
				reached[key] = true
				look := lookAt(t, ctx, u, 390, axe)
				for _, l := range look.Links {
					pu, err := url.Parse(l)
					if err != nil || "http://"+pu.Host != srv.URL {
						continue
					}
					pu.Fragment = ""
					if p := routeOf(mux, pu.String()); p != "" && !slices.Contains(notPages, p) && !seen[p] {
						queue = append(queue, pu.String())
					}
				}
			}
			t.Logf("%s: %d pages", role.name, len(visit))
		})
		t.Run(role.name+"-1280", func(t *testing.T) {
			ctx := browsertest.StartFor(t, 6*time.Minute, chromedp.WindowSize(1280, 900))
			signInAs(t, ctx, srv.URL, role.email)
			// A page's content is the same at both widths: axe-core checks
			// every page at 390 px, and the first at 1280 px for the bar.
			for i, u := range visit {
				lookAt(t, ctx, u, 1280, axe && i == 0)
			}
		})
	}
	for _, p := range pages {
		if !reached[p] && unseeded[p] == "" {
			t.Errorf("no page links to %s: the test cannot reach it", p)
		}
	}
}

// signInAs signs in through the form, unless email is empty (a visitor).
func signInAs(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	if email == "" {
		return
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", demo.Password),
		chromedp.Submit("#signin-form"),
		chromedp.WaitVisible("#earnings"),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

// takeTask starts the first task /work offers and returns its page.
func takeTask(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/work"),
		chromedp.Click("button.start", chromedp.NodeVisible),
		chromedp.WaitVisible("#task-form"),
	)
	if err != nil {
		t.Fatalf("take a task: %v", err)
	}
	task, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// routeOf names the route a URL of the test server is served by, or ""
// when none is.
func routeOf(mux *http.ServeMux, u string) string {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return ""
	}
	_, pattern := mux.Handler(req)
	return pattern
}

// lookAt opens u at the given width and checks it: a page in the layout,
// no wider than the screen, and, if axe, no serious axe-core findings.
func lookAt(t *testing.T, ctx context.Context, u string, width int64, axe bool) pageLook {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	look, err := chromedp.Run(ctx, chromedp.Evaluate[pageLook](lookJS))
	if err != nil {
		t.Fatalf("look at %s: %v", u, err)
	}
	path := strings.SplitN(strings.TrimPrefix(u, "http://"), "/", 2)[1]
	if look.ContentType != "text/html" || !look.Main {
		t.Errorf("%s at %d px: not a page in the layout (%s)", u, width, look.ContentType)
		return look
	}
	if look.ScrollWidth > look.ClientWidth {
		t.Errorf("/%s at %d px is %d px wide (window %d): %v", path, width, look.ScrollWidth, look.ClientWidth, look.Wide)
	}
	if axe {
		for _, f := range browsertest.Axe(t, ctx) {
			t.Errorf("/%s at %d px: axe-core: %s", path, width, f)
		}
	}
	if os.Getenv("ALLMENDE_SCREENSHOTS") != "" {
		name := strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(path)
		browsertest.Screenshot(t, ctx, strings.ReplaceAll(t.Name(), "/", "-")+"-"+name+"-"+strconv.FormatInt(width, 10))
	}
	return look
}

// TestNavMenu: on a phone the nav is one "Menu" button that opens the
// links, by pointer or keyboard, with the member's own pages in a "You"
// group; on a laptop the links are in the bar and "You" is a dropdown. A
// skip link is the first thing the keyboard reaches and moves focus to
// the content.
func TestNavMenu(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := browsertest.New(t)
	visible := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); return !!e && e.checkVisibility(); })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	active := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.className || document.activeElement.tagName`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(f.srv.URL+"/signin"),
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#signin-form"),
		chromedp.WaitVisible("#earnings"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if visible(`nav a[href="/work"]`) || !visible("#menu > summary") {
		t.Fatal("at 390 px the nav links show before the menu is opened, or there is no menu button")
	}
	// The keyboard: the skip link first, and it moves focus to the content.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if got := active(); got != "skip" {
		t.Fatalf("the first Tab reaches %q, want the skip link", got)
	}
	if !visible(".skip") {
		t.Fatal("the focused skip link is not visible")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if got := active(); got != "content" {
		t.Fatalf("after the skip link focus is on %q, want main#content", got)
	}
	// Menu and the "You" group open from the keyboard.
	if err := chromedp.Do(ctx, chromedp.Focus("#menu > summary"), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if !visible(`nav a[href="/work"]`) || visible(`nav a[href="/earnings"]`) {
		t.Fatal("the opened menu should show Work and keep the You group closed")
	}
	if err := chromedp.Do(ctx, chromedp.Focus("#nav-you > summary"), chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	for _, href := range []string{"/earnings", "/shares", "/recordings", "/my-data", "/keys"} {
		if !visible(`nav a[href="` + href + `"]`) {
			t.Errorf("the You group does not show %s", href)
		}
	}
	look, err := chromedp.Run(ctx, chromedp.Evaluate[pageLook](lookJS))
	if err != nil || look.ScrollWidth > look.ClientWidth {
		t.Errorf("the open menu is %d px wide in %d: %v %v", look.ScrollWidth, look.ClientWidth, look.Wide, err)
	}
	browsertest.Screenshot(t, ctx, "nav-menu-390")
	if resp, err := chromedp.RunResponse(ctx, chromedp.Click(`nav a[href="/earnings"]`)); err != nil || !strings.HasSuffix(resp.URL, "/earnings") {
		t.Fatalf("the Earnings link did not lead to /earnings: %v", err)
	}
	if cur, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("nav [aria-current=page]")?.textContent || ""`)); cur != "Earnings" {
		t.Fatalf("on /earnings the current nav item is %q", cur)
	}

	// A laptop: the bar shows the links, no menu button; You is a dropdown.
	err = chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(f.srv.URL+"/dashboard"))
	if err != nil {
		t.Fatal(err)
	}
	if !visible(`nav a[href="/work"]`) || visible("#menu > summary") || visible(`nav a[href="/earnings"]`) {
		t.Fatal("at 1280 px the bar should show Work, no menu button, and keep the You group closed")
	}
	if err := chromedp.Do(ctx, chromedp.Click("#nav-you > summary")); err != nil {
		t.Fatal(err)
	}
	if !visible(`nav a[href="/keys"]`) {
		t.Fatal("the You dropdown does not show API keys")
	}
	browsertest.Screenshot(t, ctx, "nav-you-1280")
	if browsertest.HasAxe(t) {
		for _, f := range browsertest.Axe(t, ctx) {
			t.Errorf("open dropdown at 1280 px: axe-core: %s", f)
		}
	}
	// A click elsewhere closes it; so does Escape, focus back on "You".
	if err := chromedp.Do(ctx, chromedp.Click("h1")); err != nil {
		t.Fatal(err)
	}
	if visible(`nav a[href="/keys"]`) {
		t.Fatal("the You dropdown stays open after a click elsewhere")
	}
	if err := chromedp.Do(ctx, chromedp.Click("#nav-you > summary"), chromedp.Focus(`nav a[href="/keys"]`), chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	onYou, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector("#nav-you > summary")`))
	if err != nil {
		t.Fatal(err)
	}
	if visible(`nav a[href="/keys"]`) || !onYou {
		t.Fatalf("Escape left the dropdown open or the focus on %q, want it on the You summary", active())
	}
}

// TestLivePageUpdatesInPlace: a run's page, while the run waits, updates
// itself without reloading (no <meta http-equiv=refresh>, which moves the
// page under a reader): when the run ends, the status changes on the same
// page, and the polling stops.
func TestLivePageUpdatesInPlace(t *testing.T) {
	d := demoServer(t)
	srv, a, run := d.srv, d.app, d.run
	ctx := browsertest.New(t)
	signInAs(t, ctx, srv.URL, "rita@example.org")
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/runs/"+run),
		chromedp.WaitVisible("#run-status"),
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
	)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('meta[http-equiv="refresh"]') !== null`))
	if err != nil || meta {
		t.Fatalf("the run's page refreshes itself with a meta tag (%v)", err)
	}
	err = a.DB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), `UPDATE automation_runs SET status = 'failed', error = 'stopped by the test' WHERE public_id = $1`, run)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#run-status").textContent === "failed"`)); err != nil {
		t.Fatalf("the page did not show the run's end: %v", err)
	}
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.samePage === true && !document.querySelector("[data-live]")`))
	if err != nil || !same {
		t.Fatalf("the page was reloaded, or still polls after the run ended (%v)", err)
	}
}
