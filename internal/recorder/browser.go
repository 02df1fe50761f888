package recorder

// The browser: Chromium with the recorder extension, and the control page
// (one of the extension's own pages) through which the recording is
// started, stopped and read, as the popup and the review page do.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/extension"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// Browser is a Chromium with the recorder extension that makes one
// recording after another, so that a program making many demonstrations
// starts the browser once. Recordings made in it share its cookies and
// storage.
type Browser struct {
	mu  sync.Mutex
	b   *browser
	dir string
}

// Launch starts Chromium with the recorder extension. Of o it reads
// Headless, DebugPort, Browser and the window size; they hold for every
// recording made in it.
func Launch(ctx context.Context, o Options) (*Browser, error) {
	exe := o.Browser
	if exe == "" {
		exe = DefaultBrowser
	}
	if _, err := os.Stat(exe); err != nil {
		return nil, fmt.Errorf("no browser at %s (install Debian's chromium, or give its path): %w", exe, err)
	}
	dir, err := os.MkdirTemp("", "allmende-record-")
	if err != nil {
		return nil, err
	}
	extDir := filepath.Join(dir, "extension")
	if err := os.Mkdir(extDir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// This browser records what the program or person driving it opens,
	// in a profile of its own: every site is granted up front.
	if err := extension.UnpackGranting(extDir, []string{"<all_urls>"}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	startCtx, cancelStart := context.WithTimeout(ctx, StartTimeout)
	defer cancelStart()
	b, err := launch(startCtx, o, exe, extDir, filepath.Join(dir, "profile"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &Browser{b: b, dir: dir}, nil
}

// Record makes one recording in the browser, as the function Record does;
// o's browser settings are the ones Launch was given. Recordings are made
// one at a time.
func (s *Browser) Record(ctx context.Context, o Options) ([]byte, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b == nil {
		return nil, errors.New("the browser is closed")
	}
	startCtx, cancelStart := context.WithTimeout(ctx, StartTimeout)
	defer cancelStart()
	return s.b.record(ctx, startCtx, o)
}

// Close stops the browser and removes its profile.
func (s *Browser) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b != nil {
		s.b.close()
		s.b = nil
		os.RemoveAll(s.dir)
	}
}

// browser is a running Chromium with the extension loaded.
type browser struct {
	ctx     context.Context // the first tab, kept on an extension page
	extID   string
	cancels []context.CancelFunc
}

func (b *browser) close() {
	for i := len(b.cancels) - 1; i >= 0; i-- {
		b.cancels[i]()
	}
}

func launch(ctx context.Context, o Options, exe, extDir, profile string) (*browser, error) {
	w, h := o.WindowWidth, o.WindowHeight
	if w <= 0 || h <= 0 {
		w, h = 1280, 800
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", false),
		chromedp.Flag("load-extension", extDir),
		chromedp.Flag("disable-extensions-except", extDir),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(w, h),
	)
	if o.Headless {
		opts = append(opts, chromedp.Flag("headless", "new"))
	} else {
		opts = append(opts, chromedp.Flag("headless", false))
	}
	if o.DebugPort > 0 {
		// A port instead of chromedp's default pipe, so that a second
		// program can connect; chromedp then connects by websocket too.
		opts = append(opts, chromedp.Flag("remote-debugging-port", strconv.Itoa(o.DebugPort)), remote.WebSocket)
	}
	// The browser outlives ctx's end by an orderly close (b.close).
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &browser{ctx: bctx, cancels: []context.CancelFunc{cancelAlloc, cancelBrowser}}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err := <-started:
		if err != nil {
			b.close()
			return nil, fmt.Errorf("starting the browser: %w", err)
		}
	case <-ctx.Done():
		b.close()
		return nil, fmt.Errorf("starting the browser: %w", ctx.Err())
	}
	for b.extID == "" {
		infos, err := chromedp.Targets(bctx)
		if err != nil {
			b.close()
			return nil, err
		}
		for _, info := range infos {
			if info.Type == "service_worker" && strings.HasPrefix(info.URL, "chrome-extension://") &&
				strings.HasSuffix(info.URL, "/background.js") {
				b.extID = strings.TrimSuffix(strings.TrimPrefix(info.URL, "chrome-extension://"), "/background.js")
			}
		}
		if b.extID != "" {
			break
		}
		select {
		case <-ctx.Done():
			b.close()
			return nil, fmt.Errorf("the recorder extension did not start: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The control page: an extension page, where the extension's APIs
	// (chrome.runtime, chrome.tabs, its modules) are at hand.
	if err := chromedp.Do(bctx, chromedp.Navigate(b.pageURL("options.html"))); err != nil {
		b.close()
		return nil, fmt.Errorf("opening the recorder's own page: %w", err)
	}
	return b, nil
}

func (b *browser) pageURL(path string) string {
	return "chrome-extension://" + b.extID + "/" + path
}

// control evaluates js on the control page and decodes its awaited result.
func control[T any](ctx context.Context, b *browser, js string) (T, error) {
	return runIn(ctx, b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// runIn runs an action on the tab, giving up when ctx ends.
func runIn[T any](ctx context.Context, tab context.Context, a chromedp.Action[T]) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := chromedp.Run(tab, a)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// tabIDs lists the extension API's ids of the open tabs but the control
// page.
func (b *browser) tabIDs(ctx context.Context) ([]int, error) {
	js := `chrome.tabs.query({}).then(ts => ts.filter(t => !t.url.startsWith("chrome-extension://")).map(t => t.id))`
	ids, err := control[[]int](ctx, b, js)
	if err != nil {
		return nil, fmt.Errorf("listing the tabs: %w", err)
	}
	return ids, nil
}

// newTab finds the extension API's id of the tab opened since before
// were listed: chrome.tabs knows no DevTools target ids.
func (b *browser) newTab(ctx context.Context, before []int) (int, error) {
	ids, err := b.tabIDs(ctx)
	if err != nil {
		return 0, err
	}
	var fresh []int
	for _, id := range ids {
		if !slices.Contains(before, id) {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) != 1 {
		return 0, fmt.Errorf("finding the tab to record: %d new tabs, want the one opened for it", len(fresh))
	}
	return fresh[0], nil
}

type status struct {
	OK       bool   `json:"ok"`
	State    string `json:"state"`
	Outlines int    `json:"outlines"`
	Active   bool   `json:"active"`
	Notice   string `json:"notice"`
}

func (b *browser) status(ctx context.Context, tabID int) (status, error) {
	st, err := control[status](ctx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "status", tabId: %d})`, tabID))
	if err != nil {
		return st, fmt.Errorf("asking the recorder: %w", err)
	}
	return st, nil
}

func tabOpen(bctx context.Context, target string) (bool, error) {
	infos, err := chromedp.Targets(bctx)
	if err != nil {
		return false, fmt.Errorf("listing the tabs: %w", err)
	}
	for _, info := range infos {
		if info.TargetID.String() == target {
			return true, nil
		}
	}
	return false, nil
}
