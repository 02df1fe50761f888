package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a server goroutine can write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), args, stdio{strings.NewReader(""), &out, &errb})
	return code, out.String(), errb.String()
}

func TestHelpForEveryCommand(t *testing.T) {
	code, out, _ := runMain(t, "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
		code, _, errOut := runMain(t, c.name, "--help")
		if code != 0 || !strings.Contains(errOut, "Usage: allmende "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, errOut)
		}
	}
}

// Bad command lines and unusable data folders or databases give one line
// that says what to do, a non-zero exit, and leave nothing behind.
func TestBadStartsExplainThemselves(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "Usage: allmende <command>"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus (see 'allmende serve --help')"},
		{"stray argument", []string{"serve", "extra"}, 2, `unexpected argument "extra"`},
		{"not a postgres url", []string{"serve", "--data", fresh, "--db", "mysql://x"}, 2, "--db must be a postgres:// URL"},
		{"bad log level", []string{"serve", "--data", fresh, "--log-level", "loud"}, 2, "--log-level must be"},
		{"bad currency", []string{"serve", "--data", fresh, "--currency", "euro"}, 2, `--currency, --point-value: currency "euro": three capital letters`},
		{"bad point value", []string{"serve", "--data", fresh, "--point-value", "0.05"}, 2, `point value "0.05": one of 1, 0.1, 0.01`},
		{"bad trusted proxy", []string{"serve", "--data", fresh, "--trusted-proxies", "10.0.0.0/8,proxy.lan"}, 2, `--trusted-proxies: "proxy.lan" is neither an address nor a CIDR`},
		{"data folder is a file", []string{"serve", "--data", file, "--addr", "127.0.0.1:0"}, 1, "is a file, not a folder"},
		{"data folder cannot be created", []string{"serve", "--data", filepath.Join(file, "sub"), "--addr", "127.0.0.1:0"}, 1, "cannot use data folder"},
		{"database unreachable", []string{"serve", "--data", fresh, "--db", "postgres://nobody@127.0.0.1:1/none", "--vault-key", file, "--log-key", file, "--addr", "127.0.0.1:0"}, 1, "cannot reach PostgreSQL at postgres://nobody@127.0.0.1:1/none"},
		{"database without its keys", []string{"serve", "--data", fresh, "--db", "postgres://nobody@127.0.0.1:1/none", "--addr", "127.0.0.1:0"}, 1, "a cooperative on PostgreSQL (--db) needs --vault-key FILE (or ALLMENDE_VAULT_KEY_FILE) and --log-key FILE (or ALLMENDE_LOG_KEY_FILE)"},
		{"port in use", []string{"serve", "--data", fresh, "--addr", "127.0.0.1:" + busyPort(t)}, 1, "is already in use"},
		{"bad blobs url", []string{"serve", "--data", fresh, "--blobs", "s3://coop-files?endpoint=127.0.0.1:1&insecure=on"}, 2, `--blobs: insecure must be 1 or 0, not "on"`},
		{"blobs without credentials", []string{"serve", "--data", fresh, "--blobs", "s3://coop-files?endpoint=127.0.0.1:1", "--addr", "127.0.0.1:0"}, 1, "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"metrics port in use", []string{"serve", "--data", fresh, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:" + busyPort(t)}, 1, "choose another --metrics-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runMain(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tt.code, tt.want)
			}
			if tt.code != 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 && !strings.Contains(tt.name, "port in use") {
				t.Fatalf("more than one line: %q", errOut)
			}
		})
	}
	// Every failing start above used the fresh folder (or could not make
	// one); none may have left it behind, half-made.
	if _, err := os.Stat(fresh); err == nil {
		t.Fatalf("a failed start left a data folder behind at %s", fresh)
	}
}

func busyPort(t *testing.T) string {
	srv := &http.Server{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := strings.Cut(ln.Addr().String(), ":")
	return port
}

// TestServeShutsDownGracefully starts the server, checks it is healthy,
// cancels it as SIGTERM would, and starts it again on the same folder.
func TestServeShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	for round := range 2 {
		ctx, cancel := context.WithCancel(t.Context())
		var errb syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, stdio{strings.NewReader(""), &bytes.Buffer{}, &errb})
		}()
		url := waitFor(t, &errb, regexp.MustCompile(`url=(http://\S+)`))
		resp, err := http.Get(url + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("round %d: health %v %v", round, resp, err)
		}
		resp.Body.Close()
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("round %d: exit %d after shutdown: %s", round, code, errb.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("server did not shut down")
		}
		if !strings.Contains(errb.String(), "shutting down") {
			t.Fatalf("no shutdown logged: %s", errb.String())
		}
	}
}

func waitFor(t *testing.T, b *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never saw %s in: %s", re, b.String())
	return ""
}

// startServe runs "allmende serve" with args on a fresh data folder until
// the test ends, and returns its log.
func startServe(t *testing.T, args ...string) *syncBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, args...), stdio{strings.NewReader(""), &bytes.Buffer{}, &errb})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit %d: %s", code, errb.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	waitFor(t, &errb, regexp.MustCompile(`(allmende is serving)`))
	return &errb
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestMetricsAreServedOnlyOnTheMetricsAddress: /metrics tells request
// counts by route and the log's backlog; the public address does not serve
// it, --metrics-addr serves it and nothing else.
func TestMetricsAreServedOnlyOnTheMetricsAddress(t *testing.T) {
	errb := startServe(t, "--metrics-addr", "127.0.0.1:0")
	public := waitFor(t, errb, regexp.MustCompile(`serving" url=(http://\S+)`))
	metrics := waitFor(t, errb, regexp.MustCompile(`metrics url=(http://\S+)`))
	get(t, public+"/healthz") // counted, so that the metric below exists
	if code, _ := get(t, public+"/metrics"); code != 404 {
		t.Fatalf("public /metrics: %d, want 404", code)
	}
	code, body := get(t, metrics)
	if code != 200 || !strings.Contains(body, "allmende_http_requests_total") || !strings.Contains(body, "allmende_ledger_events_pending") {
		t.Fatalf("metrics address: %d %s", code, body)
	}
	if code, _ := get(t, strings.TrimSuffix(metrics, "/metrics")+"/healthz"); code != 404 {
		t.Fatalf("the metrics address serves more than metrics: /healthz %d", code)
	}
}

// TestTrustedProxiesFlag: behind a proxy named by --trusted-proxies, the
// sign-in limit counts per forwarded client; without the flag the same
// header is ignored.
func TestTrustedProxiesFlag(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		t.Run(fmt.Sprint(trusted), func(t *testing.T) {
			var args []string
			if trusted {
				args = []string{"--trusted-proxies", "127.0.0.1/32"}
			}
			url := waitFor(t, startServe(t, args...), regexp.MustCompile(`serving" url=(http://\S+)`))
			signIn := func(client string) int {
				req, _ := http.NewRequestWithContext(t.Context(), "POST", url+"/api/v1/sessions", strings.NewReader(`{"email":"ada@example.org","password":"wrong guess"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", client)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			for range 6 {
				signIn("203.0.113.7")
			}
			if code := signIn("203.0.113.7"); code != 429 {
				t.Fatalf("the guessing client: %d, want 429", code)
			}
			want := 401 // another client behind the proxy has its own budget
			if !trusted {
				want = 429 // all of it came from 127.0.0.1
			}
			if code := signIn("198.51.100.20"); code != want {
				t.Fatalf("another client: %d, want %d", code, want)
			}
		})
	}
}
