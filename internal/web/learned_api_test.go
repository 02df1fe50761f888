package web_test

import (
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestLearnedAutomationsAPI: offering a recording, learning an automation
// from several members' recordings, reading what it learned and adding a
// demonstration, through the API, including the members who must be
// refused: a recorder who is not the publisher may not add even their own
// recording (it would unlist the publisher's automation) and is told whom
// to ask.
func TestLearnedAutomationsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.ids["rec-ada"] = uploadDemo(t, f, "ada", "reject-claim-1.json").ID
	f.ids["rec-ada-other"] = uploadDemo(t, f, "ada", "collapsible-1.json").ID
	f.ids["rec-bob"] = uploadDemo(t, f, "bob", "approve-claim-4.json").ID
	f.ids["rec-bob-other"] = uploadDemo(t, f, "bob", "collapsible-1.json").ID
	learn := func(ids string) string {
		return `{"id":"claims","title":"Decide a claim","description":"Approves or rejects the claim the page names.","price_per_run":100,"recordings":[` + ids + `]}`
	}
	runScenarios(t, f, []scenario{
		{name: "offer another member's recording", as: "bob", method: "POST", path: "/api/v1/recordings/{rec-ada}/offer", status: 404, errCode: "not_found"},
		{name: "anonymous learns", method: "POST", path: "/api/v1/automations", body: learn(`"{rec-ada}"`), status: 401, errCode: "unauthorized"},
		{name: "learn from a recording nobody offered", as: "ada", method: "POST", path: "/api/v1/automations", body: learn(`"{rec-ada}","{rec-bob}"`), status: 404, errCode: "not_found"},
		{name: "offer own recording", as: "bob", method: "POST", path: "/api/v1/recordings/{rec-bob}/offer", status: 200, contains: []string{`"offered": true`}},
		{name: "learn with none of one's own", as: "bob", method: "POST", path: "/api/v1/automations", body: learn(`"{rec-bob}","{rec-ada}"`), status: 404, errCode: "not_found"},
		{name: "demos of different tasks", as: "ada", method: "POST", path: "/api/v1/automations", body: learn(`"{rec-ada}","{rec-ada-other}"`), status: 422, errCode: "invalid", errField: "recordings", contains: []string{"different tasks", "{rec-ada-other}"}},
		{name: "too many recordings", as: "ada", method: "POST", path: "/api/v1/automations", body: learn(`"a","b","c","d","e","f"`), status: 422, errCode: "invalid", errField: "recordings"},
		{name: "learn from own and an offered recording", as: "ada", method: "POST", path: "/api/v1/automations", body: learn(`"{rec-ada}","{rec-bob}","{rec-ada}"`), status: 201, contains: []string{`"learned": true`, `"id": "claims"`, `"listed": false`}},
		{name: "unlisted: not in public", method: "GET", path: "/api/v1/automations/claims/learning", status: 404, errCode: "not_found"},
	})
	f.app.Actions.Actor = okActor{}
	listAutomation(t, f, "ada", "claims", "")
	runScenarios(t, f, []scenario{
		{name: "what it learned, in public", method: "GET", path: "/api/v1/automations/claims/learning", status: 200, contains: []string{`"member": "{ada}"`, `"member": "{bob}"`, `"share": 0.5`, "learned from 2 demonstrations", `/table-row-action/"`}, notContains: []string{`"examples"`, "seed="}},
		{name: "a recorder adds their own recording to another's automation", as: "bob", method: "POST", path: "/api/v1/automations/claims/demos", body: `{"recording":"{rec-bob}"}`,
			status: 403, errCode: "forbidden", contains: []string{"only the publisher of claims ({ada}) or a steward adds demonstrations", "offer your recording"}},
		{name: "so it stays listed", method: "GET", path: "/api/v1/automations/claims", status: 200, contains: []string{`"listed": true`, `"version": 1`}},
		{name: "the page offers the publisher the form", as: "ada", method: "GET", path: "/automations/claims", contentType: "text/html", status: 200, contains: []string{`id="demo-form"`}, notContains: []string{`id="demo-ask"`}},
		{name: "and tells others whom to ask", as: "bob", method: "GET", path: "/automations/claims", contentType: "text/html", status: 200,
			contains: []string{`id="demo-ask"`, "Only its publisher <code>{ada}</code> or a steward adds demonstrations"}, notContains: []string{`id="demo-form"`}},
		{name: "a recorder's form post is refused naming who may add", as: "bob", method: "POST", path: "/automations/claims/demos", contentType: "application/x-www-form-urlencoded", body: "recording={rec-bob}",
			status: 403, contains: []string{`id="demo-error"`, "only the publisher of claims ({ada}) or a steward adds demonstrations"}},
		{name: "add a recording nobody offered", as: "ada", method: "POST", path: "/api/v1/automations/claims/demos", body: `{"recording":"{rec-bob-other}"}`, status: 404, errCode: "not_found"},
		{name: "add a demo of another task", as: "ada", method: "POST", path: "/api/v1/automations/claims/demos", body: `{"recording":"{rec-ada-other}"}`, status: 422, errCode: "invalid", errField: "recordings"},
		{name: "run starting on another site", as: "bob", method: "POST", path: "/api/v1/automations/claims/runs", body: `{"start":"https://elsewhere.example/table-row-action/"}`, status: 422, errCode: "invalid", errField: "start"},
		{name: "a replayed automation has no learning", method: "GET", path: "/api/v1/automations/nothing/learning", status: 404, errCode: "not_found"},
	})
}
