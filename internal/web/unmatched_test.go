package web_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestUnknownURLs: a path no route serves gets the not-found page in the
// layout — a person who mistyped a link still has the nav —, the API's
// JSON problem under /api/ and /v1/, and a path served with another
// method keeps its 405. The log's index page at /log/ links the files
// the log serves, which are served as before.
func TestUnknownURLs(t *testing.T) {
	f := newFixture(t, store.SQLite)
	for _, c := range []struct {
		name, as, method, path string
		status                 int
		contentType            string
		contains               []string
	}{
		{"a page nobody wrote", "", "GET", "/no/such/page", 404, "text/html", []string{`<main id="content"`, "There is no page at /no/such/page", `href="/signin"`}},
		{"a page nobody wrote, signed in", "ada", "GET", "/projectz", 404, "text/html", []string{"There is no page at /projectz", `id="signout"`}},
		{"a deeper unknown path under a page", "ada", "GET", "/work/a/b/c", 404, "text/html", []string{"There is no page at /work/a/b/c"}},
		{"a POST to nowhere", "ada", "POST", "/nowhere", 404, "text/html", []string{"There is no page at /nowhere"}},
		{"an unknown API endpoint", "", "GET", "/api/v1/nothing", 404, "application/json", []string{`"not_found"`}},
		{"an unknown OpenAI-style endpoint", "", "GET", "/v1/nothing", 404, "application/json", []string{`"not_found"`, "/v1/nothing"}},
		{"a page served only with POST", "ada", "GET", "/signout", 405, "text/plain", nil},
		{"the log's index", "", "GET", "/log/", 200, "text/html", []string{"The public log", `href="/log/checkpoint"`, `href="/log/key"`, "tile/entries/"}},
		{"the log's checkpoint, as before", "", "GET", "/log/checkpoint", 200, "text/plain", []string{"\n\u2014 "}},
		{"the log's key, as before", "", "GET", "/log/key", 200, "text/plain", nil},
		{"no tile beyond the log, as before", "", "GET", "/log/tile/0/x001/000", 404, "text/plain", nil},
		{"the favicon", "", "GET", "/static/favicon.svg", 200, "image/svg+xml", []string{"<svg"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := f.do(c.as, c.method, c.path, "", "", nil)
			body := readBody(t, resp)
			if resp.StatusCode != c.status {
				t.Fatalf("%s %s: %d, want %d\n%s", c.method, c.path, resp.StatusCode, c.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.contentType) {
				t.Errorf("%s %s: content type %q, want %s", c.method, c.path, ct, c.contentType)
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s %s: the answer lacks %q:\n%s", c.method, c.path, s, body)
				}
			}
		})
	}
	if allow := f.do("ada", "GET", "/signout", "", "", nil).Header.Get("Allow"); !strings.Contains(allow, "POST") {
		t.Errorf("GET /signout: Allow %q, want POST in it", allow)
	}
}
