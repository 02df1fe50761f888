package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestComposeFormShowsEveryProblem: with nothing listed the compose form
// says so instead of offering empty choices; a form with a price that is
// no amount of money still names the title and the missing parts too, at
// once.
func TestComposeFormShowsEveryProblem(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		resp := f.do("ada", "GET", "/automations/compose", "", "", nil)
		if body := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `id="compose-nothing"`) || strings.Contains(body, `id="compose-part-0"`) {
			t.Fatalf("the empty compose form: %d %.400s", resp.StatusCode, body)
		}
		v := url.Values{"id": {"both"}, "title": {""}, "description": {"Both."}, "price_per_run": {""}}
		resp = f.do("ada", "POST", "/automations/compose", "application/x-www-form-urlencoded", v.Encode(), nil)
		body := readBody(t, resp)
		if resp.StatusCode != 422 || strings.Count(body, `class="field-error"`) < 3 || !strings.Contains(body, "between 1 and 200 characters") || !strings.Contains(body, "chain 2 to") {
			t.Fatalf("a form with no price, no title and no parts: %d %s", resp.StatusCode, body)
		}
	})
}
