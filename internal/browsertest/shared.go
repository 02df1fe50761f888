package browsertest

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Starting Chromium costs one to several seconds on a busy two-core
// machine, and a package such as internal/web has dozens of browser tests.
// A package whose TestMain calls Run starts one Chromium for all of them
// instead: each test still gets a browser of its own to the page — a new
// browser context, with its own cookies, storage, cache and window — but
// not a new process. Without Run (and for a test that needs other flags:
// an extension, host rules) every test starts its own Chromium, as before.

// Run runs a package's tests with one shared Chromium, closes it when they
// are done and returns their exit code. Call it from the package's
// TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(browsertest.Run(m)) }
func Run(m *testing.M) int {
	shared.mu.Lock()
	shared.enabled = true
	shared.mu.Unlock()
	defer closeShared()
	return m.Run()
}

// windowSize is the shared browser's window, New's 1280 × 900.
var windowSize = chromedp.WindowSize(1280, 900)

// shared is the one Chromium of a package that calls Run.
var shared struct {
	mu      sync.Mutex
	enabled bool
	browser context.Context // its first tab, which holds the browser
	cancel  func()
	dir     string // its profile folder
}

// baseOptions are the flags of every test browser but its profile folder.
func baseOptions() []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
	)
}

// sharable says whether extra asks for nothing the shared browser does not
// already have, so that a test asking for it may use a tab of the shared
// browser: New's window size, nothing else. It applies extra to an
// allocator and compares the result with the shared browser's.
func sharable(extra []chromedp.ExecAllocatorOption) bool {
	shared.mu.Lock()
	enabled := shared.enabled
	shared.mu.Unlock()
	if !enabled {
		return false
	}
	allocator := func(opts ...chromedp.ExecAllocatorOption) (*chromedp.ExecAllocator, func()) {
		ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		a, _ := chromedp.FromContext(ctx).Allocator.(*chromedp.ExecAllocator)
		return a, cancel
	}
	base := append(baseOptions(), windowSize)
	want, cancelWant := allocator(base...)
	defer cancelWant()
	got, cancelGot := allocator(append(base, extra...)...)
	defer cancelGot()
	return want != nil && got != nil && reflect.DeepEqual(want, got)
}

// sharedBrowserCtx returns the shared browser, starting it on first use or
// again if restart is set (it died under an earlier test).
func sharedBrowserCtx(restart bool) (context.Context, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.browser != nil && !restart {
		return shared.browser, nil
	}
	stopShared()
	dir, err := os.MkdirTemp("", "allmende-browsertest-")
	if err != nil {
		return nil, err
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(baseOptions(), windowSize, chromedp.UserDataDir(dir))...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	shared.browser, shared.dir = ctx, dir
	shared.cancel = func() { cancelCtx(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		stopShared()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	return ctx, nil
}

// stopShared closes the shared browser, if one runs, and removes its
// profile folder. shared.mu is held.
func stopShared() {
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	shared.browser, shared.cancel, shared.dir = nil, nil, ""
}

// closeShared closes the shared browser at the end of the package's tests.
func closeShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	stopShared()
}

// tab opens a new browser context with one tab in the shared browser, for
// the test, closed when the test ends.
func tab(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	var lastErr error
	for attempt := range 2 {
		browser, err := sharedBrowserCtx(attempt > 0)
		if err != nil {
			t.Fatalf("%v", err)
		}
		ctx, cancelCtx := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		if err := chromedp.Do(ctx); err != nil {
			cancelCtx()
			// The browser may have died under an earlier test: start
			// it again, once.
			lastErr = err
			continue
		}
		// The tab's page keeps focus, as the only window of a browser
		// of its own would, while a test in parallel has a window too.
		if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			cancelCtx()
			t.Fatalf("emulate focus: %v", err)
		}
		ctx, cancelTimeout := context.WithTimeout(ctx, limit)
		t.Cleanup(func() {
			cancelTimeout()
			cancelCtx()
		})
		return ctx
	}
	t.Fatalf("open a tab in chromium: %v", lastErr)
	return nil
}
