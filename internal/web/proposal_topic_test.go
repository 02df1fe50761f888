package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// TestProposalTopicAPIAndPages: an advisory proposal is given a topic from
// the cooperative's list through the API and the form (an unknown one is
// refused naming the field), a binding one has its parameter; the
// proposal's page and the list show it; a delegation on an advisory topic
// carries the delegator's vote on a proposal of that topic when counted.
func TestProposalTopicAPIAndPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		closes := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		advisory := func(topic string) string {
			return `{"title":"Open the models","text":"Publish every model card.","mode":"member","quorum":0.25,` + topic + `"closes_at":"` + closes + `",
				"options":[{"label":"yes"},{"label":"no","status_quo":true}]}`
		}
		runScenarios(t, f, []scenario{
			{name: "unknown topic", as: "ada", method: "POST", path: "/api/v1/proposals", body: advisory(`"topic":"weather",`),
				status: 422, errCode: "invalid", errField: "topic", contains: []string{"datanets, models, work, money, membership, other"}},
			{name: "a binding proposal's topic is its parameter", as: "ada", method: "POST", path: "/api/v1/proposals",
				body: `{"title":"Raise","text":"Raise it.","mode":"member","quorum":0.5,"param":"pay_floor_per_hour","topic":"money","closes_at":"` + closes + `",
				"options":[{"label":"raise","value":1800},{"label":"keep"}]}`, status: 422, errCode: "invalid", errField: "topic"},
			{name: "delegate models", as: "bob", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{ada}","topic":"models"}`,
				status: 201, contains: []string{`"topic": "models"`}},
			{name: "advisory on models", as: "ada", method: "POST", path: "/api/v1/proposals", body: advisory(`"topic":"models",`),
				status: 201, contains: []string{`"id": 1`, `"topic": "models"`}},
			{name: "advisory without a topic", as: "ada", method: "POST", path: "/api/v1/proposals", body: advisory(""),
				status: 201, contains: []string{`"id": 2`, `"topic": "other"`}},
			{name: "topics to delegate", as: "bob", method: "GET", path: "/api/v1/delegations", status: 200,
				contains: []string{`"datanets"`, `"membership"`, `"pay_floor_per_hour"`}},
			{name: "ada votes", as: "ada", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":0}`, status: 201},
			{name: "ada votes on other", as: "ada", method: "POST", path: "/api/v1/proposals/2/votes", body: `{"option":0}`, status: 201},
		})

		// The form: an unknown topic comes back naming it; a known one is kept.
		post := func(v url.Values) (int, string, string) {
			resp := f.do("stella", "POST", "/proposals", "application/x-www-form-urlencoded", v.Encode(), nil)
			return resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp)
		}
		form := url.Values{"title": {"Pay curators more"}, "text": {"Curators should earn more per record."}, "mode": {"member"},
			"quorum": {"25"}, "days": {"3"}, "option_0": {"yes"}, "option_1": {"no"}, "topic": {"weather"}}
		if status, _, body := post(form); status != 422 || !strings.Contains(body, `id="topic-error"`) {
			t.Fatalf("unknown topic on the form: %d\n%s", status, body)
		}
		form.Set("topic", "datanets")
		status, loc, body := post(form)
		if status != 303 || loc != "/proposals/3" {
			t.Fatalf("advisory on datanets: %d %q\n%s", status, loc, body)
		}
		page := f.page("stella", "/proposals/3")
		if got := textOf(t, page, "proposal-topic"); !strings.HasPrefix(got, "datanets (datanets: what data") {
			t.Fatalf("topic on the page: %q", got)
		}
		if list := f.page("stella", "/proposals"); !strings.Contains(list, "nothing: advisory, on datanets") || !strings.Contains(list, "nothing: advisory, on models") {
			t.Fatalf("the list does not name the topics:\n%s", list)
		}
		// A binding proposal made on the form ignores the topic chooser.
		form.Set("param", "timelock_hours")
		form.Set("quorum", "50")
		form.Set("value_0", "72")
		form.Set("topic", "models")
		if status, loc, body := post(form); status != 303 || loc != "/proposals/4" {
			t.Fatalf("binding from the form: %d %q\n%s", status, loc, body)
		}
		if got := textOf(t, f.page("stella", "/proposals/4"), "proposal-topic"); !strings.HasPrefix(got, "the timelock") {
			t.Fatalf("binding proposal's topic on the page: %q", got)
		}

		// Counted: bob delegated models to ada, so he is carried on the
		// proposal about models and not on the other one.
		g := f.governance()
		if _, err := g.Decide(t.Context(), time.Now().Add(100*time.Hour)); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]int{1: 1, 2: 0} {
			p, err := g.Get(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Result == nil || p.Result.Delegated != want {
				t.Fatalf("proposal %d (%s): result %+v, want %d carried", id, p.Topic, p.Result, want)
			}
		}
	})
}
