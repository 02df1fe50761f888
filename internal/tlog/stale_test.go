package tlog

import (
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaleFilesRemoved plants the files a batch could leave behind when the
// process dies after writing bundles and tiles but before recording the new
// tree size, and checks that Open removes exactly those.
func TestStaleFilesRemoved(t *testing.T) {
	cfg := testConfig(t)
	l, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	appendAndPublish(t, l, events("a", 10))
	if err := l.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	stale := []string{"tile/0/000.p/12", "tile/entries/000.p/12", "tile/0/000", "tile/entries/000", "tile/0/001.p/3", "tile/1/000.p/1", "tile/0/000.p/1212345"}
	kept := []string{"tile/0/000.p/10", "tile/entries/000.p/10", "checkpoint"}
	for _, p := range stale {
		full := filepath.Join(cfg.Dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, full, "stale")
	}

	l = openTest(t, cfg)
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(cfg.Dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale %s still there (stat: %v)", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(filepath.Join(cfg.Dir, p)); err != nil {
			t.Errorf("legitimate %s removed: %v", p, err)
		}
	}

	// Growing to 12 must serve the new bundle, not the planted one.
	appendAndPublish(t, l, events("b", 2))
	rec := httptest.NewRecorder()
	l.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/tile/entries/000.p/12", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 || !strings.Contains(string(body), `"id":"b-1"`) {
		t.Errorf("bundle of size 12: status %d body %q", rec.Code, body)
	}
}
