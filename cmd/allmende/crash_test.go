package main

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/member"
)

const childServeEnv = "ALLMENDE_TEST_CHILD_SERVE"

// TestServerSurvivesKill9 runs the real server in a child process, has a
// client write to it as fast as it can, kills the server with SIGKILL in
// the middle, starts it again on the same data folder, and checks that
// every write the client saw succeed is there and that writing goes on.
func TestServerSurvivesKill9(t *testing.T) {
	if dir := os.Getenv(childServeEnv); dir != "" {
		os.Exit(run(t.Context(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "info"}, stdio{os.Stdin, os.Stdout, os.Stderr}))
	}
	dir := t.TempDir()
	a, err := app.Open(t.Context(), app.Config{DataDir: dir}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	stewardPassword := "steward password"
	if _, err := a.Members.Found(t.Context(), "s@example.org", "S", stewardPassword, member.RoleSteward); err != nil {
		t.Fatal(err)
	}
	a.Close()

	url, child := startChildServer(t, dir)
	token := signInAPI(t, url, "s@example.org", stewardPassword)
	apiCall(t, url, token, "PATCH", "/api/v1/members/me", `{"invite_quota":100}`, nil)

	// Write concurrently until the server dies under us.
	var mu sync.Mutex
	var created []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				var inv struct{ Code string }
				if apiCall(t, url, token, "POST", "/api/v1/members/me/invitations", `{}`, &inv) != 201 {
					return // refused after quota, or the server is gone
				}
				mu.Lock()
				created = append(created, inv.Code)
				n := len(created)
				mu.Unlock()
				if n == 40 {
					child.Process.Kill()
				}
			}
		})
	}
	wg.Wait()
	child.Wait()
	if len(created) < 40 {
		t.Fatalf("only %d writes before the kill", len(created))
	}

	url, _ = startChildServer(t, dir)
	token = signInAPI(t, url, "s@example.org", stewardPassword)
	var list struct{ Invitations []struct{ Code string } }
	if apiCall(t, url, token, "GET", "/api/v1/members/me/invitations", "", &list) != 200 {
		t.Fatal("list after restart failed")
	}
	have := map[string]bool{}
	for _, inv := range list.Invitations {
		have[inv.Code] = true
	}
	for _, code := range created {
		if !have[code] {
			t.Fatalf("invitation %s was acknowledged before the kill and is gone after restart", code)
		}
	}
	var me struct {
		InviteQuota int `json:"invite_quota"`
	}
	apiCall(t, url, token, "GET", "/api/v1/me", "", &me)
	if me.InviteQuota+len(list.Invitations) != 100 {
		t.Fatalf("quota %d + invitations %d != 100: a transaction was half-written", me.InviteQuota, len(list.Invitations))
	}
	if apiCall(t, url, token, "POST", "/api/v1/members/me/invitations", `{}`, nil) != 201 {
		t.Fatal("cannot write after restart")
	}
}

// startChildServer runs `allmende serve` in a child process (this test
// binary, re-executed) and returns its URL once it is serving.
func startChildServer(t *testing.T, dir string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerSurvivesKill9$")
	cmd.Env = append(os.Environ(), childServeEnv+"="+dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return u, cmd
	case <-time.After(20 * time.Second):
		t.Fatal("child server did not start")
		return "", nil
	}
}

func signInAPI(t *testing.T, url, email, password string) string {
	t.Helper()
	var sess struct{ Token string }
	if code := apiCall(t, url, "", "POST", "/api/v1/sessions", `{"email":"`+email+`","password":"`+password+`"}`, &sess); code != 201 {
		t.Fatalf("sign in: %d", code)
	}
	return sess.Token
}

// apiCall sends one request and decodes a JSON answer into out. A
// connection error (the server was killed) counts as status 0.
func apiCall(t *testing.T, url, token, method, path, body string, out any) int {
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return 0
		}
	}
	return resp.StatusCode
}
