package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestNewsOfEveryIncome: after a task, a model call that used her record,
// a verified recording and a run of her automation have paid her, ada's
// dashboard news says each kind of income as money, linking to where she
// sees it; after "Mark as read" none of it is news.
func TestNewsOfEveryIncome(t *testing.T) {
	f := newFixture(t, store.SQLite)
	paidEverywhere(t, f)
	dash := f.page("ada", "/dashboard")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`<a href="/tasks\?state=paid">\s*1 task in Sentiment paid: <strong>0\.\d\d EUR</strong>`),
		regexp.MustCompile(`<a href="/recordings">\s*1 recording of yours paid: <strong>\d+\.\d\d EUR</strong>`),
		regexp.MustCompile(`<a href="/my-data">\s*Your data or model was used by 1 model call: <strong>\d+\.\d\d EUR</strong>`),
		regexp.MustCompile(`<a href="/earnings#income-automations">\s*1 run of automations you recorded or taught paid you: <strong>\d+\.\d\d EUR</strong>`),
	} {
		if !want.MatchString(dash) {
			i := strings.Index(dash, `id="notifications"`)
			t.Errorf("the dashboard's news lacks %s:\n%s", want, dash[i:min(len(dash), i+3000)])
		}
	}
	// The automation that paid her says its price as money too.
	runScenarios(t, f, []scenario{{name: "automation price", method: "GET", path: "/api/v1/automations/track-parcel", status: 200,
		contains: []string{`"price_per_run": 100`, `"price_per_run_text": "1.00 EUR"`}}})
	runScenarios(t, f, []scenario{{name: "mark read", as: "ada", method: "POST", path: "/notifications/read", contentType: "application/x-www-form-urlencoded", status: 303}})
	if dash := f.page("ada", "/dashboard"); strings.Contains(dash, "notice-income") || strings.Contains(dash, "notice-payment") {
		t.Error("income is still news after Mark as read")
	}
}
