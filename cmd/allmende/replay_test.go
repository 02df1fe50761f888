package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/browsertest"
)

// The replay command plays a recording with a parameter against a local
// page and prints each step; a step whose element never appears makes it
// exit 1 naming that step.
func TestReplayCommand(t *testing.T) {
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Fatalf("replay needs Debian's Chromium at %s: apt-get install chromium", browsertest.ChromiumPath)
	}
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/done" {
			got = r.URL.Query().Get("q")
		}
		fmt.Fprint(w, `<!doctype html><title>Search</title><form action="/done"><label for=q>Query</label><input id=q name=q><button>Go</button></form>`)
	}))
	defer srv.Close()
	write := func(name, lastSelector string) string {
		path := filepath.Join(t.TempDir(), name)
		rec := `{"title":"search","steps":[
			{"type":"navigate","url":"` + srv.URL + `/"},
			{"type":"change","selectors":[["aria/Query"],["#q"]],"value":"{{query}}"},
			{"type":"click","selectors":[["` + lastSelector + `"]],"offsetX":3,"offsetY":3,"assertedEvents":[{"type":"navigation"}]}],
			"allmende":{"version":1,"parameters":[{"name":"query","label":"Query"}]}}`
		if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	code, out, stderr := runMain(t, "replay", write("ok.json", "text/Go"), "--param", "query=tide tables")
	if code != 0 || !strings.Contains(out, "text/Go") || !strings.Contains(out, "ok: 3 steps replayed") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if got != "tide tables" {
		t.Errorf("the page received %q", got)
	}

	code, _, stderr = runMain(t, "replay", "--step-timeout", "1s", write("bad.json", "#nowhere"), "--param", "query=x")
	if code != 1 || !strings.Contains(stderr, "step 2 (click) failed") || !strings.Contains(stderr, "#nowhere") {
		t.Errorf("a missing element: exit %d, %s", code, stderr)
	}
	code, _, stderr = runMain(t, "replay", write("unbound.json", "text/Go"))
	if code != 1 || !strings.Contains(stderr, "query") {
		t.Errorf("an unfilled parameter: exit %d, %s", code, stderr)
	}
	code, _, stderr = runMain(t, "replay", write("p.json", "text/Go"), "--param", "nope")
	if code != 2 || !strings.Contains(stderr, `"nope" is not name=value`) {
		t.Errorf("a bad --param: exit %d, %s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"title":"x","steps":[{"type":"teleport"}]}`), 0o644)
	code, _, stderr = runMain(t, "replay", bad)
	if code != 1 || !strings.Contains(stderr, "step 0 (teleport)") {
		t.Errorf("an unknown step type: exit %d, %s", code, stderr)
	}
}
