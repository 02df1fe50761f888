// Package browsertest starts Debian's Chromium, headless, for tests that
// click through the UI the way a member would.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian installs Chromium (package chromium).
const ChromiumPath = "/usr/bin/chromium"

// New returns a browser tab's context that lives until the test ends. The
// test fails — it does not skip — when Chromium is missing: a UI that no
// browser has clicked through is not tested.
func New(t testing.TB) context.Context {
	t.Helper()
	return Start(t, windowSize)
}

// Start is New with more options for Chromium (an extension to load, host
// rules, a window size): the browser, its flags, its profile folder and its
// two-minute limit are the same for every browser test.
func Start(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	return StartFor(t, 2*time.Minute, extra...)
}

// StartFor is Start with another time limit, for a test that walks
// through a whole day of pages in one browser. In a package whose
// TestMain calls Run, a test that asks for no other flags than New's
// gets a browser context of the shared Chromium (shared.go).
func StartFor(t testing.TB, limit time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("browser tests need Debian's Chromium at %s: apt-get install chromium (.ci/run does this)", ChromiumPath)
	}
	if sharable(extra) {
		return tab(t, limit)
	}
	opts := append(baseOptions(), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	// Start the browser now, so a failure to launch is reported as such.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Screenshot saves a full-page screenshot under the test's artefact
// folder (ALLMENDE_SCREENSHOTS, or the test's temp folder) and returns its
// path, so a person can look at what the test saw.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("ALLMENDE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
