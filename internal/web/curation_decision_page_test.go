package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestCurationDecisionIsAcceptOrReject: a decision on a waiting record
// that is neither accept nor reject is refused, naming the field, and the
// record still waits (the form used to read it as a rejection, with the
// reason typed); a rejection with the same reason then goes through.
func TestCurationDecisionIsAcceptOrReject(t *testing.T) {
	f := newFixture(t, store.SQLite)
	goldFixture(t, f)
	waiting := `id="waiting-` + f.ids["repairs"] + `"`
	if page := f.page("bob", "/datanets/advice/queue"); !strings.Contains(page, waiting) {
		t.Fatalf("the record does not wait to begin with:\n%.3000s", page)
	}
	post := func(decision string) (int, string) {
		resp := f.do("bob", "POST", "/contributions/"+f.ids["repairs"]+"/decision", "application/x-www-form-urlencoded",
			url.Values{"datanet": {"advice"}, "decision": {decision}, "reason": {"The answer leaves out who pays for the repair."}}.Encode(), nil)
		return resp.StatusCode, readBody(t, resp)
	}
	for _, decision := range []string{"maybe", "", "ACCEPT"} {
		status, body := post(decision)
		if status != 422 || !strings.Contains(body, "decision: accept or reject") {
			t.Fatalf("decision %q: %d\n%.3000s", decision, status, body)
		}
		if page := f.page("bob", "/datanets/advice/queue"); !strings.Contains(page, waiting) {
			t.Fatalf("decision %q decided the record anyway", decision)
		}
	}
	if status, body := post("reject"); status != 303 {
		t.Fatalf("a rejection with the same reason: %d\n%.3000s", status, body)
	}
	if page := f.page("bob", "/datanets/advice/queue"); strings.Contains(page, waiting) {
		t.Fatal("the rejected record still waits")
	}
}
