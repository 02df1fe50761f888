package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/practice"
)

// A demonstration kept in the demo directory is read back, not made
// again (the bench has no recorder here: making one would fail), with its
// addresses moved to this run's server.
func TestDemoDirReusesKeptDemos(t *testing.T) {
	dir := t.TempDir()
	kept := `{"title":"kept","steps":[{"type":"navigate","url":"http://practice.invalid/menu?seed=2"}]}`
	if err := os.WriteFile(filepath.Join(dir, "menu-2.json"), []byte(kept), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &bench{o: options{DemoDir: dir, Base: "http://127.0.0.1:9"}}
	k, _ := practice.Lookup("menu")
	raw, rec, err := b.demo(t.Context(), k, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != "kept" || !strings.Contains(string(raw), "http://127.0.0.1:9/menu?seed=2") || rec.Steps[0].URL != "http://127.0.0.1:9/menu?seed=2" {
		t.Errorf("read back %q: %+v", raw, rec.Steps)
	}
}
