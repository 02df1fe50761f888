package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestKeyNameLimitIsSaid: a key name that is too long is refused with
// its limit named beside the field, the typed name kept; no key is made.
func TestKeyNameLimitIsSaid(t *testing.T) {
	f := newFixture(t, store.SQLite)
	long := strings.Repeat("k", 5000)
	resp := f.do("ada", "POST", "/keys", "application/x-www-form-urlencoded", url.Values{"name": {long}}.Encode(), nil)
	body := readBody(t, resp)
	if resp.StatusCode != 422 {
		t.Fatalf("a 5,000-character key name: %d %.300s", resp.StatusCode, body)
	}
	if got := textOf(t, body, "key-name-error"); got != "at most 100 characters (this one has 5000)" {
		t.Fatalf("beside the name: %q", got)
	}
	if !strings.Contains(body, `value="`+long+`"`) || strings.Contains(visible(body), "give the key a name") {
		t.Fatalf("the form does not keep the name or still asks for one: %.600s", visible(body))
	}
	if page := f.page("ada", "/keys"); strings.Contains(page, `id="key-list"`) {
		t.Fatalf("a key was made: %s", visible(page))
	}
	resp = f.do("ada", "POST", "/keys", "application/x-www-form-urlencoded", url.Values{"name": {" "}}.Encode(), nil)
	if body := readBody(t, resp); resp.StatusCode != 422 || !strings.Contains(textOf(t, body, "key-name-error"), "1 to 100 characters") {
		t.Fatalf("an empty key name: %d %.300s", resp.StatusCode, visible(body))
	}
}
