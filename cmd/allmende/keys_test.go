package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestKeysInit: `allmende keys init` writes the two keys once, says where
// and what the log's public key is, and never prints a secret or replaces
// a key.
func TestKeysInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	code, out, errOut := runMain(t, "keys", "init", "--out", dir, "--origin", "coop.example/log")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	vaultFile, logFile := filepath.Join(dir, "vault.key"), filepath.Join(dir, "log.key")
	for _, want := range []string{
		"vault key written to " + vaultFile,
		"log signing key written to " + logFile + " (origin coop.example/log)",
		"log public key (served at /log/key; give it to auditors): coop.example/log+",
		"Start every replica with: --vault-key " + vaultFile + " --log-key " + logFile,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	vaultKey, err := os.ReadFile(vaultFile)
	if err != nil {
		t.Fatal(err)
	}
	logKey, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(logKey))
	secret = secret[strings.LastIndex(secret, "+")+1:]
	for _, s := range []string{secret, base64.StdEncoding.EncodeToString(vaultKey), base64.RawStdEncoding.EncodeToString(vaultKey), string(vaultKey)} {
		if strings.Contains(out+errOut, s) {
			t.Fatal("keys init printed a secret")
		}
	}
	for _, p := range []string{vaultFile, logFile} {
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, st.Mode().Perm())
		}
	}

	code, out, errOut = runMain(t, "keys", "init", "--out", dir)
	if want := "allmende keys: key file exists: " + vaultFile + " and " + logFile + " already exists; keys init never replaces a key"; code != 1 || !strings.HasPrefix(errOut, want) || strings.Count(errOut, "\n") != 1 || out != "" {
		t.Fatalf("second keys init: exit %d, stdout %q, stderr %q; want exit 1 and one line starting %q", code, out, errOut, want)
	}
	if again, _ := os.ReadFile(vaultFile); string(again) != string(vaultKey) {
		t.Fatal("the vault key was replaced")
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"keys"}, "missing subcommand"},
		{[]string{"keys", "rotate"}, `unknown subcommand "rotate"`},
		{[]string{"keys", "init"}, "--out is required"},
	} {
		if code, _, errOut := runMain(t, tt.args...); code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestServeHelpNamesTheKeyFlags: an operator finds the flags for the
// shared keys in serve --help.
func TestServeHelpNamesTheKeyFlags(t *testing.T) {
	code, _, errOut := runMain(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-vault-key FILE", "$ALLMENDE_VAULT_KEY_FILE", "-log-key FILE", "$ALLMENDE_LOG_KEY_FILE", "required with --db", "allmende keys init"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
}

// TestReplicasOnOneDatabaseShareKeys runs issue 18's first finding from
// the command line: two `serve` replicas on one PostgreSQL database, each
// with its own --data, given the same keys (one by flags, one by the
// environment) serve the same log key; a third given other keys refuses
// to start.
func TestReplicasOnOneDatabaseShareKeys(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip(storetest.EnvPostgres + " is not set")
	}
	db := storetest.URL(t, store.Postgres)
	keys := filepath.Join(t.TempDir(), "keys")
	if code, _, errOut := runMain(t, "keys", "init", "--out", keys, "--origin", "coop.example/log"); code != 0 {
		t.Fatal(errOut)
	}
	vaultFile, logFile := filepath.Join(keys, "vault.key"), filepath.Join(keys, "log.key")

	urlA := startReplica(t, "serve", "--data", t.TempDir(), "--db", db, "--vault-key", vaultFile, "--log-key", logFile)
	t.Setenv("ALLMENDE_VAULT_KEY_FILE", vaultFile)
	t.Setenv("ALLMENDE_LOG_KEY_FILE", logFile)
	urlB := startReplica(t, "serve", "--data", t.TempDir(), "--db", db)
	codeA, keyA := get(t, urlA+"/log/key")
	codeB, keyB := get(t, urlB+"/log/key")
	if codeA != http.StatusOK || codeB != http.StatusOK || keyA != keyB || !strings.HasPrefix(keyA, "coop.example/log+") {
		t.Fatalf("the replicas serve log keys %q and %q", keyA, keyB)
	}

	other := filepath.Join(t.TempDir(), "other")
	if code, _, errOut := runMain(t, "keys", "init", "--out", other, "--origin", "coop.example/log"); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut := runMain(t, "serve", "--data", t.TempDir(), "--db", db, "--vault-key", filepath.Join(other, "vault.key"), "--log-key", filepath.Join(other, "log.key"), "--addr", "127.0.0.1:0", "--replay-browser", "none")
	if want := "allmende serve: vault key " + filepath.Join(other, "vault.key") + " is not the key this cooperative's database was started with"; code != 1 || !strings.HasPrefix(errOut, want) || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("a replica with other keys: exit %d, stderr %q; want exit 1 and one line starting %q", code, errOut, want)
	}
	code, _, errOut = runMain(t, "serve", "--data", t.TempDir(), "--db", db, "--log-key", filepath.Join(other, "log.key"), "--addr", "127.0.0.1:0", "--replay-browser", "none")
	if want := "refusing to start rather than publish a second log"; code != 1 || !strings.Contains(errOut, want) {
		t.Fatalf("a replica with another log key: exit %d, stderr %q; want exit 1 and %q", code, errOut, want)
	}
}

// startReplica runs a server command in this process until the test ends
// and returns its URL once it serves.
func startReplica(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var errb syncBuffer
	done := make(chan int, 1)
	args = append(args, "--addr", "127.0.0.1:0", "--replay-browser", "none")
	go func() { done <- run(ctx, args, stdio{strings.NewReader(""), io.Discard, &errb}) }()
	t.Cleanup(func() { cancel(); <-done })
	serving := regexp.MustCompile(`url=(http://\S+)`)
	deadline := time.After(60 * time.Second)
	for {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("%v exited %d: %s", args, code, errb.String())
		case <-deadline:
			t.Fatalf("%v did not serve: %s", args, errb.String())
		case <-time.After(20 * time.Millisecond):
			if m := serving.FindStringSubmatch(errb.String()); m != nil {
				return m[1]
			}
		}
	}
}
