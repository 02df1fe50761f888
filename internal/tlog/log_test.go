package tlog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestOpenCreatesKeyAndLog(t *testing.T) {
	cfg := testConfig(t)
	l := openTest(t, cfg)

	fi, err := os.Stat(cfg.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	v, err := note.NewVerifier(l.VerifierKey())
	if err != nil {
		t.Fatalf("VerifierKey %q: %v", l.VerifierKey(), err)
	}
	if v.Name() != testOrigin {
		t.Errorf("verifier name = %q, want %q", v.Name(), testOrigin)
	}
	cp, err := l.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 0 || cp.Origin != testOrigin {
		t.Errorf("first checkpoint = %q size %d, want %q size 0", cp.Origin, cp.Size, testOrigin)
	}
	if _, err := note.Open(cp.Note, note.VerifierList(v)); err != nil {
		t.Errorf("checkpoint does not verify with VerifierKey: %v", err)
	}
	if _, err := Open(t.Context(), cfg); !errors.Is(err, ErrAlreadyOpen) {
		t.Errorf("second Open of the same directory: err = %v, want ErrAlreadyOpen", err)
	}
}

func TestReopenKeepsKeyAndEntries(t *testing.T) {
	cfg := testConfig(t)
	l, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	vkey := l.VerifierKey()
	want := events("reopen", 3)
	appendAndPublish(t, l, want)
	if err := l.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	l = openTest(t, cfg)
	if l.VerifierKey() != vkey {
		t.Errorf("key changed across restart: %q, then %q", vkey, l.VerifierKey())
	}
	idx, err := l.Append(t.Context(), events("after", 1))
	if err != nil {
		t.Fatal(err)
	}
	if idx[0] != 3 {
		t.Errorf("first index after reopen = %d, want 3", idx[0])
	}
	var got []string
	for e, err := range l.Entries(t.Context(), 0, 3) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(e.Data))
	}
	if strings.Join(got, "\n") != string(joinLines(want)) {
		t.Errorf("entries after reopen = %q, want %q", got, want)
	}
}

func joinLines(es [][]byte) []byte {
	var s []string
	for _, e := range es {
		s = append(s, string(e))
	}
	return []byte(strings.Join(s, "\n"))
}

// TestOpenFailsCleanly covers the start-up failures: each must return an
// error naming the problem and leave behind neither a key file nor a log
// directory that Open created.
func TestOpenFailsCleanly(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, cfg *Config)
		wantErr string
		// keepDir/keepKey: the directory or key existed before Open.
		keepDir, keepKey bool
	}{
		{
			name: "data folder missing",
			setup: func(t *testing.T, cfg *Config) {
				cfg.Dir = filepath.Join(filepath.Dir(cfg.Dir), "missing", "log")
			},
			wantErr: "data folder",
		},
		{
			name: "data folder is a file",
			setup: func(t *testing.T, cfg *Config) {
				f := filepath.Join(filepath.Dir(cfg.Dir), "file")
				writeFile(t, f, "x")
				cfg.Dir = filepath.Join(f, "log")
			},
			wantErr: "not a directory",
		},
		{
			name: "log path is a file",
			setup: func(t *testing.T, cfg *Config) {
				writeFile(t, cfg.Dir, "x")
			},
			wantErr: "not a directory",
			keepDir: true,
		},
		{
			// /proc refuses new directories even to root, where file modes
			// would not stop a test running as root.
			name: "log directory cannot be created",
			setup: func(t *testing.T, cfg *Config) {
				cfg.Dir = "/proc/allmende-test-log"
			},
			wantErr: "creating the log directory",
		},
		{
			name: "key cannot be written",
			setup: func(t *testing.T, cfg *Config) {
				cfg.KeyFile = "/proc/allmende-test-log.key"
			},
			wantErr: "creating signing key",
		},
		{
			name: "key for another origin",
			setup: func(t *testing.T, cfg *Config) {
				writeKey(t, cfg.KeyFile, "other.example/log")
			},
			wantErr: `is for origin "other.example/log"`,
			keepKey: true,
		},
		{
			name: "key readable by others",
			setup: func(t *testing.T, cfg *Config) {
				writeKey(t, cfg.KeyFile, testOrigin)
				if err := os.Chmod(cfg.KeyFile, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "readable by others",
			keepKey: true,
		},
		{
			name: "key file is garbage",
			setup: func(t *testing.T, cfg *Config) {
				writeFile(t, cfg.KeyFile, "not a key")
				if err := os.Chmod(cfg.KeyFile, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "not a note signing key",
			keepKey: true,
		},
		{
			name: "published log lost its key",
			setup: func(t *testing.T, cfg *Config) {
				l, err := Open(t.Context(), *cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := l.Close(t.Context()); err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(cfg.KeyFile); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "", // names the key path, set below
			keepDir: true,
		},
		{
			name: "published log with a different key",
			setup: func(t *testing.T, cfg *Config) {
				l, err := Open(t.Context(), *cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := l.Close(t.Context()); err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(cfg.KeyFile); err != nil {
					t.Fatal(err)
				}
				writeKey(t, cfg.KeyFile, testOrigin)
			},
			wantErr: "existing checkpoint does not verify",
			keepDir: true,
			keepKey: true,
		},
		{
			name:    "empty origin",
			setup:   func(t *testing.T, cfg *Config) { cfg.Origin = "" },
			wantErr: "no checkpoint origin",
		},
		{
			name:    "origin with a space",
			setup:   func(t *testing.T, cfg *Config) { cfg.Origin = "coop example" },
			wantErr: "without spaces",
		},
		{
			name:    "checkpoint interval too short",
			setup:   func(t *testing.T, cfg *Config) { cfg.CheckpointInterval = MinCheckpointInterval / 2 },
			wantErr: "below the minimum",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			tt.setup(t, &cfg)
			if tt.name == "published log lost its key" {
				tt.wantErr = "signing key " + cfg.KeyFile + " is missing"
			}
			l, err := Open(t.Context(), cfg)
			if err == nil {
				l.Close(t.Context())
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Open error %q does not mention %q", err, tt.wantErr)
			}
			if !tt.keepKey {
				if _, err := os.Stat(cfg.KeyFile); err == nil {
					t.Errorf("key file %s left behind (stat: %v)", cfg.KeyFile, err)
				}
			}
			if !tt.keepDir {
				if _, err := os.Stat(cfg.Dir); err == nil {
					t.Errorf("log directory %s left behind (stat: %v)", cfg.Dir, err)
				}
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(cfg.KeyFile), ".tmp-*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
			// A failed Open must not keep the directory marked as open.
			if _, loaded := openDirs.Load(cfg.Dir); loaded {
				t.Errorf("directory still registered as open")
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeKey(t *testing.T, path, origin string) {
	t.Helper()
	if err := createKey(path, origin); err != nil {
		t.Fatal(err)
	}
}
