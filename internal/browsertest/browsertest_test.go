package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
)

func TestMain(m *testing.M) { os.Exit(browsertest.Run(m)) }

// page serves one HTML page.
func page(t *testing.T, html string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSharedBrowserKeepsTestsApart: tests of a package that calls Run get
// tabs of one Chromium, but as separate browsers — what one test's page
// stores, another's does not see — at New's window size, with focus.
func TestSharedBrowserKeepsTestsApart(t *testing.T) {
	u := page(t, `<!doctype html><html lang="en"><title>t</title><main>x</main></html>`)
	look := func(t *testing.T, set bool) (cookie, size string, focus bool) {
		ctx := browsertest.New(t)
		if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
			t.Fatal(err)
		}
		if set {
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.cookie = "who=first"; localStorage.setItem("who", "first"); true`)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie + "|" + (localStorage.getItem("who") || "")`))
		if err != nil {
			t.Fatal(err)
		}
		size, _ = chromedp.Run(ctx, chromedp.Evaluate[string](windowJS))
		focus, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.hasFocus()`))
		return got, size, focus
	}
	// The window of a browser of its own (another flag keeps it from
	// sharing), which the shared browser's tabs must have too.
	own := browsertest.Start(t, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-US"))
	if err := chromedp.Do(own, chromedp.Navigate(u)); err != nil {
		t.Fatal(err)
	}
	want, err := chromedp.Run(own, chromedp.Evaluate[string](windowJS))
	if err != nil {
		t.Fatal(err)
	}
	var first string
	t.Run("first", func(t *testing.T) {
		var size string
		var focus bool
		first, size, focus = look(t, true)
		if size != want || !focus {
			t.Errorf("window %s, focus %v; want %s with focus", size, focus, want)
		}
	})
	if first != "who=first|first" {
		t.Fatalf("the first test's page stored %q", first)
	}
	t.Run("second", func(t *testing.T) {
		// Two tabs at once, as parallel tests have.
		other := browsertest.New(t)
		if err := chromedp.Do(other, chromedp.Navigate(u)); err != nil {
			t.Fatal(err)
		}
		got, size, focus := look(t, false)
		if got != "|" {
			t.Errorf("the second test sees %q of the first test's cookie and storage", got)
		}
		if size != want || !focus {
			t.Errorf("window %s, focus %v; want %s with focus", size, focus, want)
		}
	})
}

// windowJS measures the window and the viewport.
const windowJS = `window.outerWidth + "x" + window.outerHeight + ", viewport " + window.innerWidth + "x" + window.innerHeight`

// TestAxeFindsSeriousViolations: the findings axe-core reports on a page
// with an image without text and a button without a name.
func TestAxeFindsSeriousViolations(t *testing.T) {
	if os.Getenv("ALLMENDE_AXE") == "" && os.Getenv("CI") == "" {
		t.Skip("set ALLMENDE_AXE to a node_modules folder holding axe-core")
	}
	u := page(t, `<!doctype html><html lang="en"><title>t</title><main><h1>Page</h1><img src="/x.png"><button></button></main></html>`)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range browsertest.Axe(t, ctx) {
		ids = append(ids, f.ID)
	}
	for _, want := range []string{"image-alt", "button-name"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe-core found %v, want %s among them", ids, want)
		}
	}
}
