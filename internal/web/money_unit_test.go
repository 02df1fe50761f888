package web_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestMoneyIntegersNameTheirUnit: an integer amount outside its range is
// refused on its field in the unit the client sent it in — cents, and
// the range as money — never in "points", the cooperative's internal
// word, which a client has nowhere to look up.
func TestMoneyIntegersNameTheirUnit(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	withRequester(t, f)
	project := func(slug, amounts string) string {
		return `{"slug":"` + slug + `","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick positive or negative.",
			"task_type":"text_classification","labels":["positive","negative"],"est_seconds":20,"review_hours":0,"redundancy":1,` + amounts + `}`
	}
	runScenarios(t, f, []scenario{
		{name: "a deposit of nothing", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":0}`, status: 422,
			errCode: "invalid", errField: "amount", contains: []string{"between 1 and 100000000 cents (0.01 EUR), that is 0.01 to 1,000,000.00 EUR"}, notContains: []string{"points"}},
		{name: "a pay per task beyond the limit", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task",
			body: project("dear", `"pay_per_task":1000000001`), contains: []string{"cents (0.01 EUR)", "10,000,000.00 EUR"}, notContains: []string{"points"}},
		{name: "a negative model price", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_call",
			body: `{"id":"neg","name":"Neg","kind":"retrieval","price_per_call":-1,"datanets":["tenancy"]}`, contains: []string{"between 0 and"}, notContains: []string{"points"}},
		{name: "a payout of nothing", as: "bob", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount":0}`, status: 422,
			errCode: "invalid", errField: "amount", contains: []string{"cents (0.01 EUR)"}, notContains: []string{"points"}},
		{name: "nothing was created", as: "rita", method: "GET", path: "/api/v1/projects/dear", status: 404},
	})
}
