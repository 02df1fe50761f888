package web_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestFundingRoundPage: the round form's funders' share is a percentage
// of every call's whole charge, paid out of the builder's part — the form
// says so and what it reads is what the server takes (15 → 1500 basis
// points, more than the builder's 20 % refused beside the field); and a
// refused funding action (a second round, another's close, a pledge to a
// funded round) comes back to the model page with its message shown.
func TestFundingRoundPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		const form = "application/x-www-form-urlencoded"
		const page = "/models/tenancy-helper"
		round := func(share string) string {
			return "goal=30.00&costs=12.00&share=" + share + "&days=30&datanet_versions=tenancy@1"
		}
		runScenarios(t, f, []scenario{
			{name: "a version to name", as: "stella", method: "POST", path: "/api/v1/datanets/tenancy/versions", body: `{}`, status: 201},
			{name: "the form says what the share is of", as: "stella", method: "GET", path: page, status: 200,
				contains: []string{"in percent of every call's whole charge (paid out of your part, so at most 20%"}, notContains: []string{"(out of your part)"}},
			{name: "more than the builder's part", as: "stella", method: "POST", path: page + "/funding", contentType: form, body: round("25"), status: 422,
				contains: []string{`id="funding-error"`, "between 0.01% and 20% (1 to 2000 basis points)", `value="25"`}},
			{name: "open with 15 percent", as: "stella", method: "POST", path: page + "/funding", contentType: form, body: round("15"), status: 303},
			{name: "read back as 1500 basis points", as: "ada", method: "GET", path: "/api/v1/models/tenancy-helper/funding", status: 200, contains: []string{`"share_bp": 1500`}},
			{name: "shown as 15 % of the charge", as: "ada", method: "GET", path: page, status: 200, contains: []string{`id="round-share">15% of every call`}},
			{name: "a second round", as: "stella", method: "POST", path: page + "/funding", contentType: form, body: round("15"), status: 409,
				contains: []string{`role="alert" id="funding-error"`}},
			{name: "another's round", as: "ada", method: "POST", path: page + "/funding/close", contentType: form, status: 403,
				contains: []string{`role="alert" id="funding-error"`}},
			{name: "deposit for ada", as: "stella", method: "POST", path: "/api/v1/members/{ada}/deposits", body: `{"amount":5000}`, status: 201},
			{name: "ada pledges the goal", as: "ada", method: "POST", path: page + "/funding/pledge", contentType: form, body: "amount=30.00", status: 303},
			{name: "stella closes", as: "stella", method: "POST", path: page + "/funding/close", contentType: form, status: 303},
			{name: "a pledge to a funded round", as: "ada", method: "POST", path: page + "/funding/pledge", contentType: form, body: "amount=1.00", status: 409,
				contains: []string{`role="alert" id="funding-error"`}},
		})
	})
}
