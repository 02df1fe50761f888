package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestContributionsArePaged: a member with more than a page of
// contributions sees the newest on /contributions and a link to the older
// ones that works to the end; the API gives "next" and following it
// gives every contribution once, newest first, even when records are added
// between two requests. Before, both answered with up to 1,000 rows at once.
func TestContributionsArePaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db.Dialect())
		withDatanets(t, f)
		const n = 130
		seedHistory(t, f, "ada", n)
		want := contributionIDs(t, f, "ada")
		if len(want) != n {
			t.Fatalf("seeded %d contributions, want %d", len(want), n)
		}
		cookie := http.Header{"Cookie": {"allmende_session=" + f.tokens["ada"]}}

		// The page, following its "Older" link.
		var seen []string
		path, pages, size := "/contributions", 0, 0
		for path != "" {
			resp := f.do("", "GET", path, "", "", cookie)
			body := readBody(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			ids := pageIDs(body)
			if pages == 0 {
				size = len(ids)
			}
			if next := nextLink(body); next != "" && len(ids) != size {
				t.Fatalf("GET %s: %d rows (the first page had %d) and a link to more", path, len(ids), size)
			}
			if pages > 0 && !strings.Contains(body, `id="first-page"`) {
				t.Errorf("GET %s: no link back to the newest", path)
			}
			seen = append(seen, ids...)
			path = nextLink(body)
			pages++
		}
		if size == 0 || size >= n || pages != (n+size-1)/size || !slices.Equal(seen, want) {
			t.Fatalf("paging through /contributions took %d pages of %d and saw %d records; want the %d records newest first, a page at a time", pages, size, len(seen), n)
		}

		// The API, with a record added after the first page.
		seen = nil
		path, pages = "/api/v1/members/me/contributions?limit=40", 0
		for path != "" {
			resp := f.do("ada", "GET", path, "", "", nil)
			body := readBody(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
			}
			var page struct {
				Contributions []struct {
					ID string `json:"id"`
				} `json:"contributions"`
				Next string `json:"next"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Contributions {
				seen = append(seen, c.ID)
			}
			if pages == 0 {
				resp := f.do("ada", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", qaRecord, nil)
				if b := readBody(t, resp); resp.StatusCode != 201 {
					t.Fatalf("contributing between pages: %d %s", resp.StatusCode, b)
				}
			}
			path = ""
			if page.Next != "" {
				path = "/api/v1/members/me/contributions?limit=40&before=" + page.Next
			}
			pages++
		}
		if pages != 4 || !slices.Equal(seen, want) {
			t.Fatalf("paging through the API took %d pages and saw %d records; want 4 pages and the %d records there were at the start, each once, newest first", pages, len(seen), n)
		}

		runScenarios(t, f, []scenario{
			{name: "limit too small", as: "ada", method: "GET", path: "/api/v1/members/me/contributions?limit=0", status: 422, errCode: "invalid", errField: "limit"},
			{name: "limit too large", as: "ada", method: "GET", path: "/api/v1/members/me/contributions?limit=501", status: 422, errCode: "invalid", errField: "limit"},
			{name: "limit not a number", as: "ada", method: "GET", path: "/api/v1/members/me/contributions?limit=all", status: 422, errCode: "invalid", errField: "limit"},
			{name: "unknown cursor", as: "ada", method: "GET", path: "/api/v1/members/me/contributions?before=c-nothing", status: 422, errCode: "invalid", errField: "before"},
			{name: "another member's cursor", as: "bob", method: "GET", path: "/api/v1/members/me/contributions?before=" + want[5], status: 422, errCode: "invalid", errField: "before"},
			{name: "the last page has no next", as: "ada", method: "GET", path: "/api/v1/members/me/contributions?before=" + want[n-3], status: 200, notContains: []string{`"next"`}},
		})

		// The dashboard's totals count the whole history.
		resp := f.do("", "GET", "/dashboard", "", "", cookie)
		body := readBody(t, resp)
		for _, s := range []string{fmt.Sprintf(`%d <span class="unit">records accepted`, n+1), fmt.Sprintf(`<span id="balance">%d.%02d</span>`, 7*n/100, 7*n%100)} {
			if !strings.Contains(body, s) {
				t.Errorf("the dashboard lacks %q", s)
			}
		}
	})
}

// contributionIDs lists a member's contributions, newest first, from the
// database.
func contributionIDs(t *testing.T, f *fixture, name string) []string {
	t.Helper()
	rows, err := f.app.DB.Read().QueryContext(t.Context(), `SELECT public_id FROM contributions WHERE member_id = $1 ORDER BY id DESC`, mustMember(t, f, name).ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

var nextHref = regexp.MustCompile(`<a href="([^"]*)" rel="next"`)

// nextLink is the target of a page's "Older" link, or "".
func nextLink(body string) string {
	m := nextHref.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
