package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/recording"
)

// recordedHost is the origin the test recordings were written for; tests
// point it at their own server.
const recordedHost = "http://replay.test"

// site serves the conformance pages and collects what they report.
type site struct {
	*httptest.Server
	mu      sync.Mutex
	reports map[string]map[string]any
	echo    string // the query of the last /echo request
}

func newSite(t testing.TB) *site {
	s := &site{reports: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join("testdata", "pages"))))
	mux.HandleFunc("POST /report/{page}", func(w http.ResponseWriter, r *http.Request) {
		var state map[string]any
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &state); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.reports[r.PathValue("page")] = state
		s.mu.Unlock()
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.echo = r.URL.RawQuery
		s.mu.Unlock()
		fmt.Fprintf(w, "<!doctype html><title>Thanks, %s</title><p id=echo>%s</p>",
			html.EscapeString(r.URL.Query().Get("name")), html.EscapeString(r.URL.RawQuery))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(30 * time.Second):
		case <-r.Context().Done():
		}
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *site) report(page string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reports[page]
}

func (s *site) echoed() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.echo
}

func (s *site) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.reports)
	s.echo = ""
}

// recordingFor reads a test recording and points it at the site.
func (s *site) recordingFor(t testing.TB, name string) recording.Recording {
	t.Helper()
	return s.parse(t, s.rawFor(t, name))
}

// rawFor is the test recording's JSON, pointed at the site.
func (s *site) rawFor(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "recordings", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(data), recordedHost, s.URL)
}

func (s *site) parse(t testing.TB, data string) recording.Recording {
	t.Helper()
	rec, err := recording.Parse([]byte(strings.ReplaceAll(data, recordedHost, s.URL)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return rec
}

var (
	sharedOnce    sync.Once
	sharedBrowser context.Context
	sharedStop    func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedStop != nil {
		sharedStop()
	}
	os.Exit(code)
}

// testBrowser returns a browser that all tests of the package share, so
// that Chromium starts once. Tests open their own pages in it (RunIn does).
func testBrowser(t testing.TB) context.Context {
	t.Helper()
	sharedOnce.Do(func() {
		// TestMain stops it when every test has run.
		sharedBrowser, sharedStop = startBrowser(t)
	})
	if sharedBrowser == nil {
		t.Fatal("the shared browser did not start")
	}
	return sharedBrowser
}

func startBrowser(t testing.TB) (context.Context, func()) {
	t.Helper()
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Fatalf("replay tests need Debian's Chromium at %s: apt-get install chromium", browsertest.ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browsertest.ChromiumPath),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.WindowSize(1280, 720),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		stop()
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, stop
}

// runOK replays rec and fails the test unless every step passed.
func runOK(t *testing.T, browser context.Context, rec recording.Recording) Result {
	t.Helper()
	res, err := RunIn(t.Context(), browser, rec, Options{})
	if err != nil {
		t.Fatalf("RunIn: %v", err)
	}
	if !res.OK {
		t.Fatalf("replay failed:\n%s", describe(res))
	}
	return res
}

func describe(res Result) string {
	var b strings.Builder
	for _, s := range res.Steps {
		fmt.Fprintf(&b, "  step %d %s %s (%s) %v %s\n", s.Index, s.Type, s.Status, s.Selector, s.Duration.Round(time.Millisecond), s.Error)
	}
	return b.String()
}
