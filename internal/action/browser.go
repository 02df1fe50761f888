package action

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/elazarl/goproxy"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// Browser replays automations in one headless Chromium kept for the
// server's life, one run at a time. An automation is someone else's
// recording running on the cooperative's server, so the browser reaches the
// web only through a proxy whose every connection passes Guard — the check
// models' upstreams get: private, loopback and link-local addresses and
// this machine's own are refused after name resolution, so a recording
// cannot make the server read its own network. Guard.AllowPrivate lifts
// that for the demo and tests, whose pages are on this machine.
type Browser struct {
	ExecPath string
	Guard    egress.Guard
	Log      *slog.Logger

	turnOnce sync.Once
	turn     chan struct{} // one run at a time, waiting in order and giving up with its context

	mu      sync.Mutex // guards the fields below
	browser context.Context
	stop    context.CancelFunc
	proxy   *http.Server

	// refused is the first address the guard refused during the current
	// run: the tab only sees the proxy's error page, which a recording that
	// asserts nothing would replay "successfully" — and be paid for.
	refusedMu sync.Mutex
	refused   string
}

// Replay runs rec in a new tab of the shared browser, starting the browser
// on first use and again after it crashed. The run may take RunTimeout
// from when the browser is free, not from when it was asked for, so that
// runs queued behind a long one do not fail for having waited.
func (b *Browser) Replay(ctx context.Context, rec recording.Recording) (replay.Result, error) {
	return b.ReplayReport(ctx, rec, "")
}

// ReplayReport is Replay that then evaluates the report expression on
// the page the replay ended on (replay.Options.Report): how a composed
// automation's replayed part reads the output it passes on.
func (b *Browser) ReplayReport(ctx context.Context, rec recording.Recording, report string) (replay.Result, error) {
	b.turnOnce.Do(func() { b.turn = make(chan struct{}, 1) })
	select {
	case b.turn <- struct{}{}:
		defer func() { <-b.turn }()
	case <-ctx.Done():
		return replay.Result{FailedStep: -1}, fmt.Errorf("waiting for the server's browser: %w", ctx.Err())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.start(); err != nil {
		return replay.Result{FailedStep: -1}, err
	}
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	b.takeRefused()
	res, err := replay.RunIn(ctx, b.browser, rec, replay.Options{Report: report})
	if err != nil && b.browser.Err() != nil {
		b.closeLocked() // it crashed: the next run starts a fresh one
	}
	if addr := b.takeRefused(); addr != "" && err == nil && res.OK {
		res = refusedResult(res, addr)
	}
	return res, err
}

// Act runs a learned program in a new tab of the shared browser, on the
// same terms as Replay: one run at a time, RunTimeout from when the
// browser is free, every connection through the guarding proxy, and a
// run that reached for a refused address failed.
func (b *Browser) Act(ctx context.Context, prog program.Program, opts actor.Options) (actor.Result, error) {
	b.turnOnce.Do(func() { b.turn = make(chan struct{}, 1) })
	select {
	case b.turn <- struct{}{}:
		defer func() { <-b.turn }()
	case <-ctx.Done():
		return actor.Result{}, fmt.Errorf("waiting for the server's browser: %w", ctx.Err())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.start(); err != nil {
		return actor.Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	b.takeRefused()
	res, err := actor.Run(ctx, b.browser, prog, opts)
	if err != nil && b.browser.Err() != nil {
		b.closeLocked()
	}
	if addr := b.takeRefused(); addr != "" && err == nil && res.OK {
		res.OK = false
		res.Error = fmt.Sprintf("the automation reached for %s, which automations may not open (a private, loopback or link-local address, or this server's own)", addr)
	}
	return res, err
}

// refusedResult fails a replay that reached for an address automations
// may not open: its last step ran on the proxy's error page, not on the
// page the recording meant.
func refusedResult(res replay.Result, addr string) replay.Result {
	res.OK = false
	res.Report, res.ReportError = nil, "" // read on the proxy's error page
	last := len(res.Steps) - 1
	res.FailedStep = max(last, 0)
	if last >= 0 {
		res.Steps[last].Status = "failed"
		res.Steps[last].Error = fmt.Sprintf("the automation reached for %s, which automations may not open (a private, loopback or link-local address, or this server's own)", addr)
	}
	return res
}

// takeRefused returns the address refused since the last call, and forgets it.
func (b *Browser) takeRefused() string {
	b.refusedMu.Lock()
	defer b.refusedMu.Unlock()
	addr := b.refused
	b.refused = ""
	return addr
}

// control is the proxy's dial check: the guard's, remembering what it refused.
func (b *Browser) control(network, address string, c syscall.RawConn) error {
	err := b.Guard.Control(network, address, c)
	if errors.Is(err, egress.ErrRefused) {
		b.refusedMu.Lock()
		if b.refused == "" {
			b.refused = address
		}
		b.refusedMu.Unlock()
	}
	return err
}

func (b *Browser) start() error {
	if b.browser != nil && b.browser.Err() == nil {
		return nil
	}
	b.closeLocked()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.proxy = &http.Server{Handler: b.guardProxy(), ReadHeaderTimeout: 10 * time.Second}
	go b.proxy.Serve(ln)
	exec := b.ExecPath
	if exec == "" {
		exec = "/usr/bin/chromium"
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec),
		chromedp.Flag("headless", "new"),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.ProxyServer("http://"+ln.Addr().String()),
		// Chromium sends loopback addresses around a proxy unless told
		// not to; the proxy must see every request.
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		b.proxy.Close()
		b.proxy = nil
		return errors.New("cannot start Chromium for automations: " + err.Error())
	}
	b.browser, b.stop = browser, func() { cancelBrowser(); cancelAlloc() }
	return nil
}

// guardProxy is the browser's only way out.
func (b *Browser) guardProxy() http.Handler {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: b.control}
	p := goproxy.NewProxyHttpServer()
	p.Tr = &http.Transport{DialContext: dialer.DialContext, Proxy: nil, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 30 * time.Second}
	p.ConnectDial = func(network, addr string) (net.Conn, error) { return dialer.Dial(network, addr) }
	p.ConnectDialWithReq = nil
	p.Logger = proxyLog{b.Log}
	return p
}

// proxyLog sends the proxy's messages (mostly requests it refused, or
// Chromium's own calls home failing) to the debug log, not to stderr.
type proxyLog struct{ log *slog.Logger }

func (l proxyLog) Printf(format string, v ...any) {
	if l.log != nil {
		l.log.Debug("replay proxy: " + fmt.Sprintf(format, v...))
	}
}

// Close stops the browser.
func (b *Browser) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closeLocked()
}

func (b *Browser) closeLocked() {
	if b.stop != nil {
		b.stop()
		b.stop, b.browser = nil, nil
	}
	if b.proxy != nil {
		b.proxy.Close()
		b.proxy = nil
	}
}
