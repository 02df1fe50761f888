package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSecondServerOnAFolderIsRefused repeats issue 11: `allmende serve`
// on the folder a running server (here: another process) uses. It must be
// refused in one line naming the other process, while the tools that leave
// the log alone keep working beside the server; and once that server dies
// (even by SIGKILL) the folder is free again.
func TestSecondServerOnAFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	_, child := startChildServer(t, dir)

	for _, cmd := range []string{"serve", "demo"} {
		code, errOut, started := startServer(t, cmd, dir)
		if started {
			t.Fatalf("a second %s started on a folder another server uses", cmd)
		}
		want := fmt.Sprintf("allmende %s: the data folder %s is in use by another allmende process (pid %d); stop it first or choose another --data\n", cmd, dir, child.Process.Pid)
		if code != 1 || errOut != want {
			t.Fatalf("%s beside a running server: exit %d, stderr %q; want exit 1 and %q", cmd, code, errOut, want)
		}
	}
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	if code, _, errOut := runMain(t, "backup", "--data", dir, "--out", out); code != 0 {
		t.Fatalf("backup beside the server: exit %d: %s", code, errOut)
	}

	child.Process.Kill()
	child.Wait()
	if _, errOut, started := startServer(t, "serve", dir); !started {
		t.Fatalf("serve after the other server was killed did not start: %s", errOut)
	}
}

// startServer runs a server command in this process until it is serving
// (then stops it) or exits, whichever comes first.
func startServer(t *testing.T, cmd, dir string) (code int, stderr string, started bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{cmd, "--data", dir, "--addr", "127.0.0.1:0", "--replay-browser", "none"}, stdio{strings.NewReader(""), &bytes.Buffer{}, &errb})
	}()
	serving := regexp.MustCompile(`url=http|is running at http`)
	deadline := time.After(30 * time.Second)
	for {
		select {
		case code := <-done:
			return code, errb.String(), false
		case <-deadline:
			t.Fatalf("%s neither served nor exited: %s", cmd, errb.String())
		case <-time.After(20 * time.Millisecond):
			if serving.MatchString(errb.String()) {
				cancel()
				<-done
				return 0, errb.String(), true
			}
		}
	}
}

// TestReadingCommandsNeedACooperative: backup and export with a mistyped
// --data used to create an empty cooperative there and report success
// ("backup written … 1 files"). Now they refuse in one line and create
// nothing: neither the folder nor the output.
func TestReadingCommandsNeedACooperative(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	typo := filepath.Join(root, "typo")
	out := filepath.Join(root, "out")
	os.Mkdir(out, 0o755)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"backup, missing folder", []string{"backup", "--data", typo, "--out", filepath.Join(out, "b.tar.gz")}, "no cooperative in " + typo + ": the folder does not exist"},
		{"backup, empty folder", []string{"backup", "--data", empty, "--out", filepath.Join(out, "b.tar.gz")}, "no cooperative in " + empty + ": the folder has no allmende.db"},
		{"export, missing folder", []string{"export", "--data", typo, "--datanet", "notes", "--out", filepath.Join(out, "e.jsonl")}, "no cooperative in " + typo},
		{"export, empty folder", []string{"export", "--data", empty, "--datanet", "notes", "--out", filepath.Join(out, "e.jsonl")}, "no cooperative in " + empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, errOut := runMain(t, tt.args...)
			if code != 1 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want exit 1 and one line with %q", code, errOut, tt.want)
			}
			if stdout != "" {
				t.Errorf("reported on stdout: %q", stdout)
			}
			if _, err := os.Stat(typo); err == nil {
				t.Fatalf("created %s", typo)
			}
			for _, d := range []string{empty, out} {
				if des, _ := os.ReadDir(d); len(des) > 0 {
					t.Fatalf("created %s in %s", des[0].Name(), d)
				}
			}
		})
	}
}
