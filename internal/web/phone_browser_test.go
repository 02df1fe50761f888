package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web"
)

// demoServer is the demo cooperative (internal/demo) behind a test
// server: the accounts, projects, datanets and models a newcomer sees.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	a, err := app.Open(t.Context(), app.Config{DataDir: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	bg, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Background(bg); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	if _, err := demo.Seed(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	t.Cleanup(srv.Close)
	return srv
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
	"/api/",
}

// unseeded are the pages the demo has nothing to show on: no recording,
// automation, run or trained model version, no record a model call used.
var unseeded = map[string]string{
	"GET /recordings/{id}":                 "no recording in the demo",
	"GET /automations/{slug}":              "no automation in the demo",
	"GET /runs/{id}":                       "no automation run in the demo",
	"GET /models/{slug}/versions/{number}": "no trained model version in the demo",
	"GET /my-data/{record}":                "no record of the demo's members was used by a call",
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
// phone's 390 px and a laptop's 1280 px: no page is wider than the
// screen, and axe-core finds nothing serious. It follows the links the
// pages show, one per route, and fails if a page route was never reached.
func TestNoPageScrollsSideways(t *testing.T) {
	srv := demoServer(t)
	mux, pages := pageRoutes(t)
	shots := os.Getenv("ALLMENDE_SCREENSHOTS") != ""
	reached := map[string]bool{}
	roles := []struct{ name, email string }{
		{"visitor", ""},
		{"steward", "stella@example.org"},
		{"member", "ada@example.org"},
		{"requester", "rita@example.org"},
	}
	for _, role := range roles {
		t.Run(role.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if role.email != "" {
				err := chromedp.Do(ctx,
					chromedp.Navigate(srv.URL+"/signin"),
					chromedp.WaitVisible("#signin-form"),
					chromedp.SendKeys("#email", role.email),
					chromedp.SendKeys("#password", demo.Password),
					chromedp.Submit("#signin-form"),
					chromedp.WaitVisible("#earnings"),
				)
				if err != nil {
					t.Fatalf("sign in as %s: %v", role.email, err)
				}
				if role.name == "member" {
					// A task in progress, so that its page is reached too.
					err := chromedp.Do(ctx,
						chromedp.Navigate(srv.URL+"/work"),
						chromedp.Click("button.start", chromedp.NodeVisible),
						chromedp.WaitVisible("#task-form"),
					)
					if err != nil {
						t.Fatalf("take a task: %v", err)
					}
				}
			}
			queue := []string{srv.URL + "/", srv.URL + "/dashboard", srv.URL + "/no/such/page", srv.URL + "/log/"}
			if role.name == "member" {
				task, err := chromedp.Run(ctx, chromedp.Location())
				if err != nil {
					t.Fatal(err)
				}
				queue = append(queue, task)
			}
			seen := map[string]bool{}
			var visit []string
			for len(queue) > 0 {
				u := queue[0]
				queue = queue[1:]
				key := routeOf(mux, u)
				if seen[key] {
					continue
				}
				seen[key] = true
				visit = append(visit, u)
				look := lookAt(t, ctx, u, 390)
				for _, l := range look.Links {
					pu, err := url.Parse(l)
					if err != nil || pu.Host != strings.TrimPrefix(srv.URL, "http://") {
						continue
					}
					pu.Fragment = ""
					if p := routeOf(mux, pu.String()); p != "" && !slices.Contains(notPages, p) && !seen[p] {
						queue = append(queue, pu.String())
					}
				}
				reached[key] = true
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			for _, u := range visit {
				lookAt(t, ctx, u, 1280)
			}
			if shots {
				t.Logf("%s: %d pages", role.name, len(visit))
			}
		})
	}
	for _, p := range pages {
		if !reached[p] && unseeded[p] == "" {
			t.Errorf("no page links to %s: the test cannot reach it", p)
		}
	}
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
// no wider than the screen, no serious axe-core findings.
func lookAt(t *testing.T, ctx context.Context, u string, width int64) pageLook {
	t.Helper()
	if width != 1280 {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844)); err != nil {
			t.Fatal(err)
		}
	}
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
	for _, f := range browsertest.Axe(t, ctx) {
		t.Errorf("/%s at %d px: axe-core: %s", path, width, f)
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
	if err := chromedp.Do(ctx, chromedp.Click(`nav a[href="/earnings"]`)); err != nil {
		t.Fatal(err)
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
	for _, f := range browsertest.Axe(t, ctx) {
		t.Errorf("open dropdown at 1280 px: axe-core: %s", f)
	}
}
