package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestEraseAllReachesNamesTheMemberWrote: "erase all my data" also takes
// the display name the member chose and the names of their API keys —
// from the pages, the database and every file under the data folder —
// while the keys stay listed and revocable.
func TestEraseAllReachesNamesTheMemberWrote(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		marker := "NAMEMARKERPANGOLIN"
		runScenarios(t, f, []scenario{
			{name: "display name", as: "ada", method: "PATCH", path: "/api/v1/members/{ada}", body: `{"display_name":"Ada ` + marker + `"}`, status: 200},
		})
		resp := f.do("ada", "POST", "/keys", "application/x-www-form-urlencoded", url.Values{"name": {"laptop " + marker}}.Encode(), nil)
		if body := readBody(t, resp); resp.StatusCode != 303 {
			t.Fatalf("create a key: %d %s", resp.StatusCode, body)
		}
		if !strings.Contains(readBody(t, f.do("bob", "GET", "/api/v1/members/"+f.ids["ada"], "", "", nil)), marker) {
			t.Fatal("bob does not see ada's display name before erasure: this test tests nothing")
		}
		if !strings.Contains(f.page("ada", "/keys"), marker) || markerInDatabase(t, f.app.DB, marker) == "" {
			t.Fatal("the names are not stored before erasure: this test tests nothing")
		}
		if dialect == store.SQLite && findMarker(t, f.app.DataDir(), marker) == "" {
			t.Fatal("the names are not on disk before erasure: this test tests nothing")
		}

		resp = f.do("ada", "POST", "/contributions/erase-all", "application/x-www-form-urlencoded", url.Values{"confirm": {"ERASE"}}.Encode(), nil)
		if body := readBody(t, resp); resp.StatusCode != 303 {
			t.Fatalf("erase all: %d %s", resp.StatusCode, visible(body))
		}
		if where := markerInDatabase(t, f.app.DB, marker); where != "" {
			t.Fatalf("after erasure a name is still in the database: %s", where)
		}
		if where := findMarker(t, f.app.DataDir(), marker); where != "" {
			t.Fatalf("after erasure a name is still in %s", where)
		}
		keys := f.page("ada", "/keys")
		if strings.Contains(keys, marker) || !strings.Contains(keys, "(name erased)") || !strings.Contains(keys, `/revoke"`) {
			t.Fatalf("/keys after erasure: %s", visible(keys))
		}
		if resp := f.do("bob", "GET", "/api/v1/members/"+f.ids["ada"], "", "", nil); strings.Contains(readBody(t, resp), marker) {
			t.Fatal("others still see the display name")
		}
	})
}
