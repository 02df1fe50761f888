package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestContributionsArePaged: a member with more than a page of
// contributions sees the newest on /contributions and a link to the older
// ones that works to the end; the API gives "next" and following it
// gives every contribution once, newest first, even when records are added
// between two requests. Before, both answered with up to 1,000 rows at once.
func TestContributionsArePaged(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
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
		for _, s := range []string{fmt.Sprintf(`%d <span class="unit">records accepted`, n+1), fmt.Sprintf(`<span id="balance">%d.%02d EUR</span>`, 7*n/100, 7*n%100)} {
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

// TestListsArePaged walks every paged API list two items at a time,
// following "next", with an item added after the first page: it must give
// exactly the items the whole list had at the start, in its order, and a
// cursor that names nothing is a 422 naming "before".
func TestListsArePaged(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withDatanets(t, f)
		seedHistory(t, f, "ada", 5)
		ctx := t.Context()
		ada, stella := mustMember(t, f, "ada"), mustMember(t, f, "stella")
		must := func(resp *http.Response, status int) {
			t.Helper()
			if b := readBody(t, resp); resp.StatusCode != status {
				t.Fatalf("setup: %d %s", resp.StatusCode, b)
			}
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if err := f.app.DB.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, q, args...); return err }); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			must(f.do("ada", "POST", "/api/v1/members/me/keys", "application/json", fmt.Sprintf(`{"name":"key %d"}`, i), nil), 201)
			must(f.do("stella", "POST", "/api/v1/epochs/close", "application/json", `{}`, nil), 200)
			must(f.do("stella", "POST", "/api/v1/datanets", "application/json", fmt.Sprintf(
				`{"slug":"notes-%d","name":"Notes %d","domain":"gardening","client":"Garden Co","purpose":"a gardening assistant","licence":"CC BY 4.0","record_kind":"text"}`, i, i), nil), 201)
			exec(`INSERT INTO recordings (public_id, member_id, title, steps, status, created_at) VALUES ($1, $2, 'Track a parcel', 3, 'verified', 0)`, fmt.Sprintf("r-seed%d", i), ada.ID)
			exec(`INSERT INTO automations (slug, recording_id, author_id, title, description, price_per_run, status, created_at, listed, tested_version)
				VALUES ($1, (SELECT id FROM recordings WHERE public_id = $2), $3, 'Track', 'Tracks a parcel', 5, 'published', 0, 1, 1)`, fmt.Sprintf("track-%d", i), fmt.Sprintf("r-seed%d", i), ada.ID)
			exec(`INSERT INTO automation_runs (public_id, automation_id, runner_id, status, price, created_at)
				VALUES ($1, (SELECT id FROM automations WHERE slug = 'track-0'), $2, 'ok', 5, 0)`, fmt.Sprintf("run-seed%d", i), ada.ID)
			if _, err := f.app.Models.Create(ctx, stella, model.Model{Slug: fmt.Sprintf("bot-%d", i), Name: "Bot", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
				t.Fatal(err)
			}
		}
		must(f.do("stella", "POST", "/api/v1/members/me/invitations", "application/json", `{}`, nil), 201)

		for _, l := range []struct {
			as, path, key, id string
			add               func()
		}{
			{"ada", "/api/v1/members/me/contributions", "contributions", "id", func() {
				must(f.do("ada", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", qaRecord, nil), 201)
			}},
			{"ada", "/api/v1/members/me/events", "events", "id", func() {
				must(f.do("ada", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", `{"question":"Who pays for a broken boiler?","answer":"The landlord, unless the tenant broke it."}`, nil), 201)
			}},
			{"ada", "/api/v1/members/me/record-earnings", "records", "contribution", nil},
			{"ada", "/api/v1/members/me/receipts", "receipts", "event_id", func() {
				err := f.app.DB.InTx(ctx, func(tx *store.Tx) error {
					_, err := f.app.Reward.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Scope: "model:1",
						Postings: []ledger.Posting{{Account: "funding:client:late", Amount: -5}, {Account: reward.MemberAccount(ada.PublicID), Amount: 5}}})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}},
			{"ada", "/api/v1/members/me/keys", "keys", "id", func() {
				must(f.do("ada", "POST", "/api/v1/members/me/keys", "application/json", `{"name":"late key"}`, nil), 201)
			}},
			{"stella", "/api/v1/members/me/invitations", "invitations", "code", func() {
				must(f.do("stella", "POST", "/api/v1/members/me/invitations", "application/json", `{}`, nil), 201)
			}},
			{"ada", "/api/v1/datanets", "datanets", "slug", nil},
			{"ada", "/api/v1/models", "models", "id", nil},
			{"ada", "/api/v1/members/me/shares", "epochs", "", func() {
				must(f.do("stella", "POST", "/api/v1/epochs/close", "application/json", `{}`, nil), 200)
			}},
			{"ada", "/api/v1/members/me/recordings", "recordings", "id", nil},
			{"ada", "/api/v1/automations", "automations", "slug", nil},
			{"ada", "/api/v1/members/me/runs", "runs", "id", nil},
			{"stella", "/api/v1/members", "members", "id", func() {
				if _, err := f.app.Members.SignUp(ctx, member.SignUp{Code: f.invite(), Email: "late@example.org", Name: "Late", Password: password}); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			t.Run(l.key, func(t *testing.T) {
				list := func(path string) ([]string, string) {
					t.Helper()
					resp := f.do(l.as, "GET", path, "", "", nil)
					body := readBody(t, resp)
					if resp.StatusCode != 200 {
						t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
					}
					var page map[string]json.RawMessage
					if err := json.Unmarshal([]byte(body), &page); err != nil {
						t.Fatal(err)
					}
					var items []json.RawMessage
					if err := json.Unmarshal(page[l.key], &items); err != nil {
						t.Fatalf("%s: %v", body, err)
					}
					var ids []string
					for _, it := range items {
						id := string(it) // the whole item, where it has no id of its own
						if l.id != "" {
							var obj map[string]any
							json.Unmarshal(it, &obj)
							id = fmt.Sprint(obj[l.id])
						}
						ids = append(ids, id)
					}
					var next string
					if raw, ok := page["next"]; ok {
						json.Unmarshal(raw, &next)
					}
					return ids, next
				}
				sep := "?"
				if strings.Contains(l.path, "?") {
					sep = "&"
				}
				all, next := list(l.path + sep + "limit=500")
				if len(all) < 3 || next != "" {
					t.Fatalf("the whole list has %d items and next %q; want at least 3 and none", len(all), next)
				}
				var seen []string
				path := l.path + sep + "limit=2"
				for i := 0; path != ""; i++ {
					ids, next := list(path)
					if (next != "" || i == 0) && len(ids) != 2 {
						t.Fatalf("page %d: %d items (next %q); want 2 a page", i, len(ids), next)
					}
					seen = append(seen, ids...)
					if i == 0 && l.add != nil {
						l.add()
					}
					path = ""
					if next != "" {
						path = l.path + sep + "limit=2&before=" + url.QueryEscape(next)
					}
					if i > len(all) {
						t.Fatal("the pages do not end")
					}
				}
				if !slices.Equal(seen, all) {
					t.Fatalf("paging gave %d items, the whole list %d; they differ:\n%v\n%v", len(seen), len(all), seen, all)
				}
				resp := f.do(l.as, "GET", l.path+sep+"before=nothing-by-this-name", "", "", nil)
				code, fields := apiErrorShape(t, readBody(t, resp))
				if resp.StatusCode != 422 || code != "invalid" || fields["before"] == "" {
					t.Fatalf("an unknown cursor: %d %s %v", resp.StatusCode, code, fields)
				}
			})
		}
	})
}
