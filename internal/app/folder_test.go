package app_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestSecondServerOnOneFolderIsRefused: two servers on one data folder
// would both append to its transparency log (issue 11: 9 events logged
// twice). The second is refused while the first runs, with PostgreSQL as
// much as with SQLite, since the log is in the folder either way; tools
// that leave the log alone (backup, export, steward) still open it.
func TestSecondServerOnOneFolderIsRefused(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			cfg := app.Config{DataDir: t.TempDir(), ReplayBrowser: "none"}
			if d == store.Postgres {
				keys := initKeys(t)
				cfg.DB, cfg.VaultKeyFile, cfg.LogKeyFile = storetest.URL(t, d), keys.VaultFile, keys.LogFile
			}
			first, err := app.Open(t.Context(), cfg, quiet)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()

			_, err = app.Open(t.Context(), cfg, quiet)
			if !errors.Is(err, app.ErrFolderInUse) {
				t.Fatalf("second Open on the folder: %v, want ErrFolderInUse", err)
			}
			msg := err.Error()
			if want := fmt.Sprintf("the data folder %s is in use by another allmende process (pid %d)", cfg.DataDir, os.Getpid()); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line saying %q", msg, want)
			}

			offline := cfg
			offline.Offline = true
			tool, err := app.Open(t.Context(), offline, quiet)
			if err != nil {
				t.Fatalf("an offline tool beside the server: %v", err)
			}
			tool.Close()

			first.Close()
			again, err := app.Open(t.Context(), cfg, quiet)
			if err != nil {
				t.Fatalf("Open after the first server closed: %v", err)
			}
			again.Close()
		})
	}
}

// TestReadingToolsNeedACooperative: backup and export with a mistyped
// --data used to create an empty cooperative there and report success.
// Opened with MustExist, the app refuses a folder or database that holds
// none, and creates nothing.
func TestReadingToolsNeedACooperative(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) app.Config
		want    string
	}{
		{"missing folder", func(t *testing.T, dir string) app.Config {
			return app.Config{DataDir: filepath.Join(dir, "typo")}
		}, "does not exist"},
		{"empty folder", func(t *testing.T, dir string) app.Config {
			return app.Config{DataDir: dir}
		}, "no allmende.db"},
		{"a file, not a folder", func(t *testing.T, dir string) app.Config {
			p := filepath.Join(dir, "file")
			os.WriteFile(p, []byte("x"), 0o600)
			return app.Config{DataDir: p}
		}, "not a folder"},
		{"empty database file", func(t *testing.T, dir string) app.Config {
			os.WriteFile(filepath.Join(dir, "allmende.db"), nil, 0o600)
			os.WriteFile(filepath.Join(dir, "vault.key"), make([]byte, 32), 0o600)
			return app.Config{DataDir: dir}
		}, "holds no allmende schema"},
		{"database without its vault key", func(t *testing.T, dir string) app.Config {
			makeCooperative(t, app.Config{DataDir: dir})
			os.Remove(filepath.Join(dir, "vault.key"))
			return app.Config{DataDir: dir}
		}, "no vault.key"},
	}
	if os.Getenv(storetest.EnvPostgres) != "" {
		tests = append(tests, struct {
			name    string
			prepare func(t *testing.T, dir string) app.Config
			want    string
		}{"empty PostgreSQL schema", func(t *testing.T, dir string) app.Config {
			os.WriteFile(filepath.Join(dir, "vault.key"), make([]byte, 32), 0o600)
			return app.Config{DataDir: dir, DB: storetest.URL(t, store.Postgres), VaultKeyFile: filepath.Join(dir, "vault.key")}
		}, "holds no allmende schema"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.prepare(t, t.TempDir())
			before := listFiles(t, filepath.Dir(cfg.DataDir))
			cfg.Offline, cfg.MustExist = true, true
			a, err := app.Open(t.Context(), cfg, quiet)
			if err == nil {
				a.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, app.ErrNoCooperative) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q, want one line wrapping ErrNoCooperative that says %q", err, tt.want)
			}
			if after := listFiles(t, filepath.Dir(cfg.DataDir)); after != before {
				t.Errorf("Open created or changed files:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	t.Run("a cooperative", func(t *testing.T) {
		cfg := app.Config{DataDir: t.TempDir()}
		makeCooperative(t, cfg)
		cfg.Offline, cfg.MustExist = true, true
		a, err := app.Open(t.Context(), cfg, quiet)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
	})
}

func makeCooperative(t *testing.T, cfg app.Config) {
	t.Helper()
	cfg.Offline = true
	a, err := app.Open(t.Context(), cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}

// listFiles names every file and folder under dir with its size.
func listFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			fmt.Fprintf(&b, "%s:%d ", p, fi.Size())
		}
		return nil
	})
	return b.String()
}
