package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/tlog"
)

// testLog is a log served over HTTP, with its key written to a file.
type testLog struct {
	log     *tlog.Log
	url     string
	keyFile string
	dir     string
}

func startTestLog(t *testing.T, data, name string) *testLog {
	t.Helper()
	l, err := tlog.Open(t.Context(), tlog.Config{
		Dir:                filepath.Join(data, name),
		KeyFile:            filepath.Join(data, "log.key"),
		Origin:             "coop.example/log",
		BatchMaxAge:        5 * time.Millisecond,
		CheckpointInterval: tlog.MinCheckpointInterval,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(context.Background()) })
	srv := httptest.NewServer(http.StripPrefix("/log", l.Handler()))
	t.Cleanup(srv.Close)
	keyFile := filepath.Join(t.TempDir(), "log.pub")
	if err := os.WriteFile(keyFile, []byte(l.VerifierKey()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &testLog{log: l, url: srv.URL + "/log/", keyFile: keyFile, dir: t.TempDir()}
}

func (tl *testLog) grow(t *testing.T, prefix string, n int) []uint64 {
	t.Helper()
	es := make([][]byte, n)
	for i := range es {
		es[i] = fmt.Appendf(nil, `{"id":"%s-%d"}`, prefix, i)
	}
	idx, err := tl.log.Append(t.Context(), es)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := tl.log.AwaitCheckpoint(ctx, idx[n-1]+1); err != nil {
		t.Fatal(err)
	}
	return idx
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runLog(t.Context(), args, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	return out.String(), err
}

func TestLogVerify(t *testing.T) {
	data := t.TempDir()
	tl := startTestLog(t, data, "log")
	tl.grow(t, "a", 40)
	state := filepath.Join(tl.dir, "state")

	out, err := runCLI(t, "verify", "--url", tl.url, "--key", tl.keyFile, "--state", state)
	if err != nil {
		t.Fatalf("first verify: %v\n%s", err, out)
	}
	for _, want := range []string{"coop.example/log size 40", "signature verified", "no saved checkpoint", "entries 0 to 40", "saved the checkpoint of size 40", "OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("first verify output lacks %q:\n%s", want, out)
		}
	}

	idx := tl.grow(t, "b", 300)
	r, err := tl.log.Receipt(t.Context(), idx[7])
	if err != nil {
		t.Fatal(err)
	}
	receiptFile := filepath.Join(tl.dir, "r.tlog-proof")
	if err := os.WriteFile(receiptFile, r.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "verify", "--url", tl.url, "--key", tl.keyFile, "--state", state, "--receipt", receiptFile)
	if err != nil {
		t.Fatalf("second verify: %v\n%s", err, out)
	}
	for _, want := range []string{"size 340", "contains the saved tree of size 40", "entries 0 to 340", fmt.Sprintf("entry %d is in the signed tree of size 340", idx[7]), "OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("second verify output lacks %q:\n%s", want, out)
		}
	}

	// The receipt with one bit flipped in the entry it carries.
	r.Extra[3] ^= 1
	if err := os.WriteFile(receiptFile, r.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "verify", "--url", tl.url, "--key", tl.keyFile, "--receipt", receiptFile, "--audit=false")
	if err == nil || !strings.Contains(err.Error(), "inclusion proof does not verify") {
		t.Fatalf("tampered receipt: err = %v\n%s", err, out)
	}
	if strings.Contains(out, "OK") || !strings.Contains(out, "signature verified") {
		t.Errorf("output on failure should show the checks that passed and no OK:\n%s", out)
	}

	// Another log under the same key, with a different history, presented
	// at the same URL would be a fork; a shorter one, a rollback.
	fork := startTestLog(t, data, "fork")
	fork.grow(t, "other", 400)
	_, err = runCLI(t, "verify", "--url", fork.url, "--key", tl.keyFile, "--state", state)
	if err == nil || !strings.Contains(err.Error(), "log forked") {
		t.Fatalf("forked log: err = %v", err)
	}
	short := startTestLog(t, data, "short")
	short.grow(t, "a", 40)
	_, err = runCLI(t, "verify", "--url", short.url, "--key", tl.keyFile, "--state", state)
	if err == nil || !strings.Contains(err.Error(), "log rolled back") {
		t.Fatalf("rolled-back log: err = %v", err)
	}
	// A failed check must not move the state.
	if out, err := runCLI(t, "verify", "--url", tl.url, "--key", tl.keyFile, "--state", state, "--audit=false"); err != nil || !strings.Contains(out, "size 340") {
		t.Fatalf("state changed by failed runs: %v\n%s", err, out)
	}
}

func TestLogUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"no subcommand", nil, errUsage},
		{"unknown subcommand", []string{"frobnicate"}, errUsage},
		{"missing url", []string{"verify", "--key", "k"}, errUsage},
		{"missing key", []string{"verify", "--url", "http://x/log/"}, errUsage},
		{"entry without receipt", []string{"verify", "--url", "http://x/log/", "--key", "k", "--entry", "e"}, errUsage},
		{"bad flag", []string{"verify", "--nope"}, errUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runCLI(t, tt.args...); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
