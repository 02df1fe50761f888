package tlog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/transparency-dev/tessera/api/layout"
)

// crashEnv makes the test binary act as a server that dies right after its
// entries are appended, before anyone records their indices.
const crashEnv = "ALLMENDE_TLOG_CRASH_DATA"

// holdEnv makes the test binary open the log and keep it open until killed.
const holdEnv = "ALLMENDE_TLOG_HOLD_DATA"

func TestMain(m *testing.M) {
	if data := os.Getenv(crashEnv); data != "" {
		appendThenDie(data)
	}
	if data := os.Getenv(holdEnv); data != "" {
		if _, err := Open(context.Background(), crashConfig(data)); err != nil {
			os.Stdout.WriteString(err.Error() + "\n")
			os.Exit(2)
		}
		os.Stdout.WriteString("open\n")
		select {}
	}
	os.Exit(m.Run())
}

// TestOpenRefusedWhileAnotherProcessHasTheLog: Tessera's file locks let two
// processes append to one log side by side, which publishes entries twice.
func TestOpenRefusedWhileAnotherProcessHasTheLog(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "open\n" {
		t.Fatalf("helper: %q %v", line, err)
	}
	cfg := crashConfig(data)
	if _, err := Open(t.Context(), cfg); !errors.Is(err, ErrInUse) {
		t.Fatalf("Open while another process has the log: %v, want ErrInUse", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	openTest(t, cfg)
}

func crashConfig(data string) Config {
	return Config{
		Dir:     filepath.Join(data, "log"),
		KeyFile: filepath.Join(data, "log.key"),
		Origin:  testOrigin,
		// No checkpoint after the first: the appended entries are
		// integrated but no published checkpoint covers them.
		CheckpointInterval: time.Hour,
	}
}

func appendThenDie(data string) {
	ctx := context.Background()
	l, err := Open(ctx, crashConfig(data))
	if err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(2)
	}
	idx, err := l.Append(ctx, events("crash", 20))
	if err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(2)
	}
	json.NewEncoder(os.Stdout).Encode(idx)
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// TestCrashAfterAppend is the outbox's recovery path: after a crash between
// Append and the database update, the restarted server reads back the
// integrated entries (not yet in any checkpoint), finds its events by id,
// and appends nothing twice.
func TestCrashAfterAppend(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper did not die by SIGKILL: %v\n%s", err, stderr.String())
	}
	var indices []uint64
	if err := json.Unmarshal(stdout.Bytes(), &indices); err != nil || len(indices) != 20 {
		t.Fatalf("helper output %q: %v", stdout.String(), err)
	}

	cfg := crashConfig(data)
	cp, err := os.ReadFile(filepath.Join(cfg.Dir, layout.CheckpointPath))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(cp), testOrigin+"\n0\n") {
		t.Fatalf("the crashed server published %q; the test needs the entries uncovered", cp)
	}

	cfg.CheckpointInterval = MinCheckpointInterval
	l := openTest(t, cfg)
	size, err := l.IntegratedSize(t.Context())
	if err != nil || size != 20 {
		t.Fatalf("IntegratedSize after crash = %d, %v; want 20", size, err)
	}
	// The database knew nothing: recover from index 0 and match event ids.
	want := events("crash", 20)
	for e, err := range l.Entries(t.Context(), 0, size) {
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e.Data, want[e.Index]) || indices[e.Index] != e.Index {
			t.Fatalf("entry %d = %q; helper had it at %d", e.Index, e.Data, indices[e.Index])
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := l.AwaitCheckpoint(ctx, 20); err != nil {
		t.Fatalf("the restarted log did not publish the recovered entries: %v", err)
	}
	idx, err := l.Append(t.Context(), events("next", 1))
	if err != nil || idx[0] != 20 {
		t.Fatalf("next append = %v, %v; want index 20", idx, err)
	}
}
