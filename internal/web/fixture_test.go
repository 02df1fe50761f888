package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

const password = "correct horse battery"

// fixture is a cooperative behind a test HTTP server: a steward (stella),
// two members (ada, bob) who joined by invitation, and a session token
// for each.
type fixture struct {
	t      testing.TB
	app    *app.App
	srv    *httptest.Server
	tokens map[string]string
	ids    map[string]string // public ids
}

// newFixture starts a copy of the fixture's cooperative on dialect d
// (fixture_template_test.go) behind a test server, with its job runner and
// ledger publisher running as under Serve. A top-level test that calls it
// runs in parallel with the others that do (parallel).
func newFixture(t testing.TB, d store.Dialect) *fixture {
	t.Helper()
	parallel(t)
	tmpl, err := fixtureTemplateOf(d)
	if err != nil {
		t.Fatalf("the fixture's cooperative on %s: %v", d, err)
	}
	dir := dataDir(t)
	if err := copyDir(tmpl.dir, dir); err != nil {
		t.Fatal(err)
	}
	cfg := fixtureConfig(dir)
	if d == store.Postgres {
		cfg.DB = cloneDatabase(t, tmpl.db)
		cfg.VaultKeyFile, cfg.LogKeyFile = filepath.Join(dir, "vault.key"), filepath.Join(dir, "log.key")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := app.Open(t.Context(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	// The job runner and the ledger publisher, as under Serve.
	bg, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Background(bg); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	// The template's background jobs opened the first epoch, so that
	// tests of epochs start from one state; check that it is open.
	if _, open, err := a.Reward.OpenEpoch(t.Context()); err != nil || !open {
		t.Fatalf("the first epoch is not open: %v", err)
	}
	f := &fixture{t: t, app: a, tokens: maps.Clone(tmpl.tokens), ids: maps.Clone(tmpl.ids)}
	f.srv = httptest.NewServer(a.Web)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) signIn(email string) string {
	f.t.Helper()
	sess, err := f.app.Members.SignIn(f.t.Context(), email, password)
	if err != nil {
		f.t.Fatal(err)
	}
	return sess.Token
}

// invite creates a fresh invitation code from the steward.
func (f *fixture) invite() string {
	f.t.Helper()
	stella, err := f.app.Members.ByPublicID(f.t.Context(), f.ids["stella"])
	if err != nil {
		f.t.Fatal(err)
	}
	inv, err := f.app.Members.Invite(f.t.Context(), stella, member.RoleMember)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv.Code
}

// expand replaces {ada}, {bob}, {stella} with public ids and {invite} with
// a fresh invitation code.
func (f *fixture) expand(s string) string {
	for name, id := range f.ids {
		s = strings.ReplaceAll(s, "{"+name+"}", id)
	}
	for strings.Contains(s, "{invite}") {
		s = strings.Replace(s, "{invite}", f.invite(), 1)
	}
	return s
}

// do sends a request as the named member (by bearer token), or anonymously.
func (f *fixture) do(as, method, path, contentType, body string, header http.Header) *http.Response {
	f.t.Helper()
	req, err := http.NewRequestWithContext(f.t.Context(), method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiErrorShape checks that body is exactly the API's one error shape.
func apiErrorShape(t *testing.T, body string) (code string, fields map[string]string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not the API error shape (%v): %s", err, body)
	}
	return e.Error.Code, e.Error.Fields
}

// dataDir is a data folder removed when the test ends. It is not
// t.TempDir: Tessera's background goroutines may still finish a file just
// after the log is closed, and t.TempDir fails the test if the folder is
// not empty at once; here removal is retried.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "allmende-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return dir
}
