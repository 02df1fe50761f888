package web_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestMoneyTextInTheAPI: every API field that takes an amount takes it as
// an integer of points or as money (<field>_text), as answers write it;
// both when they agree; a text that is not money — a negative amount, too
// many decimals, "1,2,3", letters, beyond the range — or that disagrees
// with the integer is refused on the _text field, and nothing is created.
func TestMoneyTextInTheAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	withRequester(t, f)
	project := func(slug, amounts string) string {
		return `{"slug":"` + slug + `","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick positive or negative.",
			"task_type":"text_classification","labels":["positive","negative"],"est_seconds":20,"review_hours":0,"redundancy":1,` + amounts + `}`
	}
	runScenarios(t, f, []scenario{
		{name: "a project priced as money", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body:     project("money", `"pay_per_task_text":"0.40","budget_text":"1,250.00 EUR"`),
			contains: []string{`"pay_per_task": 40`, `"pay_per_task_text": "0.40 EUR"`, `"budget": 125000`, `"budget_text": "1,250.00 EUR"`, `"hourly_rate_text": "72.00 EUR"`}},
		{name: "both forms that agree", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: project("both", `"pay_per_task":40,"pay_per_task_text":"0.40","budget":0`), contains: []string{`"pay_per_task": 40`}},
		{name: "both forms that disagree", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task_text",
			body: project("disagree", `"pay_per_task":40,"pay_per_task_text":"40"`), contains: []string{"40.00 EUR is 4000 points"}},
		{name: "commas in the wrong places", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task_text",
			body: project("commas", `"pay_per_task_text":"1,2,3"`), contains: []string{"a point before the decimals"}},
		{name: "a negative budget", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "budget_text",
			body: project("negative", `"pay_per_task":40,"budget_text":"-5"`), contains: []string{"not a negative amount"}},
		{name: "too many decimals", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task_text",
			body: project("decimals", `"pay_per_task_text":"0.405"`), contains: []string{"at most 2 decimals"}},
		{name: "letters", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task_text",
			body: project("letters", `"pay_per_task_text":"forty cents"`), contains: []string{"an amount in EUR"}},
		{name: "too large", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task_text",
			body: project("large", `"pay_per_task_text":"10,000,000.01"`), contains: []string{"between 0.01 and 10,000,000.00 EUR"}},
		{name: "nothing was created", as: "rita", method: "GET", path: "/api/v1/projects/commas", status: 404},
		{name: "raise the pay as money", as: "rita", method: "PATCH", path: "/api/v1/projects/money", body: `{"pay_per_task_text":"0.45 EUR"}`, status: 200,
			contains: []string{`"pay_per_task": 45`, `"pay_per_task_text": "0.45 EUR"`}},
		{name: "the shown project says it as money", as: "rita", method: "GET", path: "/api/v1/projects/money", status: 200, contains: []string{`"pay_per_task_text": "0.45 EUR"`}},
		{name: "a model priced as money", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
			body:     `{"id":"dear-helper","name":"Dear","kind":"retrieval","price_per_call_text":"0.25","datanets":["tenancy"]}`,
			contains: []string{`"price_per_call": 25`, `"price_per_call_text": "0.25 EUR"`, `"price_per_1k_tokens_text": "0.00 EUR"`}},
		{name: "a model's price in commas", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_call_text",
			body: `{"id":"comma-helper","name":"C","kind":"retrieval","price_per_call_text":"0,25","datanets":["tenancy"]}`},
		{name: "a deposit as money", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount_text":"12.50"}`, status: 201,
			contains: []string{`"amount_text": "12.50 EUR"`}},
		{name: "bob's balance", as: "bob", method: "GET", path: "/api/v1/me", status: 200, contains: []string{`"balance_text": "12.50 EUR"`}},
		{name: "a deposit of nothing", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount_text":"0.00"}`, status: 422,
			errCode: "invalid", errField: "amount_text", contains: []string{"between 0.01 and 1,000,000.00 EUR"}},
		{name: "a payout asked as money", as: "bob", method: "POST", path: "/api/v1/members/me/payouts", body: `{"amount_text":"2.50"}`, status: 201,
			contains: []string{`"amount": 250`, `"amount_text": "2.50 EUR"`}},
	})
}
