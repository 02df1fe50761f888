package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// recordPage is a small task: a list of people, a note for one of them.
const recordPage = `<!doctype html><html lang="en"><head><title>Notes</title></head><body>
<h1>Notes</h1>
<p id="task">Write "call back" for Lea.</p>
<ul id="people"><li><button type="button">Tom</button></li><li><button type="button">Lea</button></li><li><button type="button">Max</button></li></ul>
<form action="/saved" method="post">
<label for="note">Note</label> <input id="note" name="note">
<label for="pw">Password</label> <input id="pw" name="pw" type="password">
<button id="save">Save</button>
</form>
<script>
for (const b of document.querySelectorAll("#people button")) b.onclick = () => { document.title = "Notes: " + b.textContent; };
</script>
</body></html>`

// lockedBuffer is the command's standard error, read while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// allmende record, headless with --remote-debugging-port, while another
// program (this test, through chromedp) does the task with trusted input:
// the file has the steps, their targets and the outlines, the typed note
// masked and the password never read.
func TestRecordCommandDrivenOverCDP(t *testing.T) {
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Fatalf("record needs Debian's Chromium at %s", browsertest.ChromiumPath)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/saved" {
			fmt.Fprint(w, `<!doctype html><title>Saved</title><h1 id="saved">Saved</h1>`)
			return
		}
		_, _ = io.WriteString(w, recordPage)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "demo.json")
	port := freePort(t)

	var stdout bytes.Buffer
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(t.Context(), []string{"record", "--url", srv.URL + "/", "--out", out, "--headless",
			"--remote-debugging-port", fmt.Sprint(port),
			"--init-script", `document.getElementById("task").dataset.ready = "1"`,
			"--stop-when", `document.getElementById("saved") !== null`, "--timeout", "45s"},
			stdio{strings.NewReader(""), &stdout, stderr})
	}()

	// The command says which tab it records once it does.
	tabLine := regexp.MustCompile(`recording \S+ in tab (\S+) \(DevTools at (http://127\.0\.0\.1:\d+)\)`)
	var m []string
	for deadline := time.Now().Add(30 * time.Second); m == nil; {
		m = tabLine.FindStringSubmatch(stderr.String())
		select {
		case code := <-done:
			t.Fatalf("record ended (exit %d) before recording: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("record never said it was recording: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if m[2] != fmt.Sprintf("http://127.0.0.1:%d", port) {
		t.Errorf("DevTools at %s, want port %d", m[2], port)
	}
	alloc, cancelAlloc := remote.NewAllocator(t.Context(), m[2])
	defer cancelAlloc()
	hands, cancelHands := chromedp.NewContext(alloc, chromedp.WithTargetID(target.ID(m[1])))
	defer cancelHands()
	ready, err := chromedp.Run(hands, chromedp.Evaluate[string](`document.getElementById("task").dataset.ready || ""`))
	if err != nil || ready != "1" {
		t.Fatalf("the init script did not run before recording (%q, %v)", ready, err)
	}
	err = chromedp.Do(hands,
		chromedp.Click(chromedp.CSS(`#people li:nth-child(2) button`)),
		chromedp.Click(chromedp.ID("note")),
		chromedp.KeyEvent("call back"),
		chromedp.Click(chromedp.ID("pw")),
		chromedp.KeyEvent("s3cret-pw"),
		chromedp.Click(chromedp.ID("save")),
	)
	if err != nil {
		t.Fatalf("driving the page: %v", err)
	}
	var code int
	select {
	case code = <-done:
	case <-time.After(45 * time.Second):
		t.Fatal("record did not stop when the page said saved")
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote "+out) || !strings.Contains(stdout.String(), "2 outlines") {
		t.Errorf("stdout: %s", stdout.String())
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"call back", "s3cret"} {
		// "call back" is on the page too: typing it masks it there as well.
		if strings.Contains(string(body), secret) {
			t.Errorf("the recording holds %q", secret)
		}
	}
	rec, err := recording.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	x := rec.Allmende
	if len(x.Masked) != 2 || len(x.Outlines) != 2 || x.Outlines[0].Before != 0 {
		t.Fatalf("masked %v, %d outlines", x.Masked, len(x.Outlines))
	}
	var lea *recording.Target
	for i := range x.Targets {
		if x.Targets[i].Name == "Lea" {
			lea = &x.Targets[i]
		}
	}
	if lea == nil || lea.Place == nil || lea.Place.Index != 1 || lea.Place.Of != 3 || rec.Steps[lea.Step].Type != recording.StepClick {
		t.Fatalf("the click on Lea should be the 2nd of 3 buttons: %+v", lea)
	}
	if !strings.HasSuffix(x.Outlines[1].URL, "/saved") {
		t.Errorf("the second outline is of %s", x.Outlines[1].URL)
	}
}

// Bad command lines exit 2 and say what is wrong; a stop-when that is
// never true ends in a timeout that names it, exit 1.
func TestRecordCommandErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, recordPage)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "x.json")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--out", out}, 2, "--url is required"},
		{[]string{"--url", srv.URL}, 2, "--out is required"},
		{[]string{"--url", "notaurl", "--out", out}, 2, "is not an http, https or file URL"},
		{[]string{"--url", "http://", "--out", out}, 2, "has no host"},
		{[]string{"--url", srv.URL, "--out", out, "--remote-debugging-port", "70000"}, 2, "not a port"},
		{[]string{"--url", srv.URL, "--out", out, "--init-script", "@/nonexistent.js"}, 1, "--init-script"},
		{[]string{"--url", srv.URL, "--out", out, "--headless", "--stop-when", "window.never === 1", "--timeout", "4s"}, 1,
			`timed out: --stop-when "window.never === 1" was never true`},
	} {
		code, _, stderr := runMain(t, append([]string{"record"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("record %v: exit %d, %q; want exit %d saying %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed recording left a file")
	}
}
