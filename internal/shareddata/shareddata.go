// Package shareddata finds the project's shared development data — real
// crowd answers with ground truth and COCO annotations with images — for
// tests. It lives beside the repository as ../shared/data; a clone
// elsewhere can point at it with ALLMENDE_SHARED_DATA.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Env names the variable that overrides where the data is.
const Env = "ALLMENDE_SHARED_DATA"

// Dir returns the shared data folder. A test that needs the data fails —
// it does not skip — when the folder cannot be found.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(Env); d != "" {
		if isDir(d) {
			return d
		}
		t.Fatalf("%s=%s is not a folder", Env, d)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if d := filepath.Join(dir, "shared", "data"); isDir(d) {
			return d
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	// The project's machines keep it here; a clone elsewhere still finds it.
	if d := "/work/shared/data"; isDir(d) {
		return d
	}
	t.Fatalf("the shared test data (crowd answers, COCO images) is not at ../shared/data next to the repository; set %s to its folder", Env)
	return ""
}

// Path returns a file or folder inside the shared data.
func Path(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(Dir(t), filepath.FromSlash(rel))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
