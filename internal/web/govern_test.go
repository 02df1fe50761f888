package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/store"
)

// governance is the fixture's governance service.
func (f *fixture) governance() *govern.Service { return f.app.Govern }

// TestGovernAPI: any member proposes and votes; counts stay hidden until
// the decision; shares are one's own; only stewards close an epoch.
func TestGovernAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		closes := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		advisory := `{"title":"Weekly call","text":"Should we meet weekly?","mode":"member","quorum":0.5,"closes_at":"` + closes + `",
			"options":[{"label":"yes"},{"label":"no","status_quo":true}]}`
		binding := `{"title":"Raise the floor","text":"To 20.00.","mode":"member","quorum":0.3,"param":"pay_floor_per_hour","closes_at":"` + closes + `",
			"options":[{"label":"20.00","value":2000},{"label":"keep"}]}`
		runScenarios(t, f, []scenario{
			{name: "anonymous list", method: "GET", path: "/api/v1/proposals", status: 401, errCode: "unauthorized"},
			{name: "member proposes", as: "ada", method: "POST", path: "/api/v1/proposals", body: advisory,
				status: 201, contains: []string{`"id": 1`, `"phase": "voting"`, `"created_by": "{ada}"`, `"status": "open"`}, notContains: []string{"ada@example.org"}},
			{name: "binding proposal", as: "bob", method: "POST", path: "/api/v1/proposals", body: binding,
				status: 201, contains: []string{`"id": 2`, `"param": "pay_floor_per_hour"`, `"value": 2000`}},
			{name: "one option", as: "ada", method: "POST", path: "/api/v1/proposals",
				body: strings.Replace(advisory, `,{"label":"no","status_quo":true}`, ``, 1), status: 422, errCode: "invalid", errField: "options"},
			{name: "value beyond the limits", as: "ada", method: "POST", path: "/api/v1/proposals",
				body: strings.Replace(binding, "2000", "100001", 1), status: 422, errCode: "invalid", errField: "options"},
			{name: "unknown field", as: "ada", method: "POST", path: "/api/v1/proposals",
				body: strings.Replace(advisory, `"mode"`, `"secret":true,"mode"`, 1), status: 422, errCode: "invalid", errField: "secret"},
			{name: "list", as: "bob", method: "GET", path: "/api/v1/proposals", status: 200, contains: []string{"Weekly call", "Raise the floor", `"voted": false`}},
			{name: "vote", as: "bob", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":0}`,
				status: 201, contains: []string{`"option": 0`, `"weight": 1`, `"event_id"`}},
			{name: "vote without an option", as: "bob", method: "POST", path: "/api/v1/proposals/1/votes", body: `{}`, status: 422, errCode: "invalid", errField: "option"},
			{name: "vote for no option", as: "bob", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":2}`, status: 422, errCode: "invalid", errField: "option"},
			{name: "vote on nothing", as: "bob", method: "POST", path: "/api/v1/proposals/99/votes", body: `{"option":0}`, status: 404, errCode: "not_found"},
			{name: "vote on a non-number", as: "bob", method: "POST", path: "/api/v1/proposals/x/votes", body: `{"option":0}`, status: 404, errCode: "not_found"},
			{name: "own vote shown", as: "bob", method: "GET", path: "/api/v1/proposals/1", status: 200,
				contains: []string{`"voted": true`, `"my_vote"`}, notContains: []string{`"result"`}},
			{name: "no counts and no one else's vote before the close", as: "ada", method: "GET", path: "/api/v1/proposals/1", status: 200,
				contains: []string{`"voted": false`}, notContains: []string{`"result"`, `"my_vote"`, `"votes"`}},
			{name: "own shares", as: "ada", method: "GET", path: "/api/v1/members/me/shares", status: 200,
				contains: []string{`"shares": 0`, `"member": "{ada}"`, `"rule": "1 share per 100 points earned in the epoch, rounded down"`, `"epochs": []`}},
			{name: "another member's shares", as: "ada", method: "GET", path: "/api/v1/members/{bob}/shares", status: 403, errCode: "forbidden"},
			{name: "member closes an epoch", as: "ada", method: "POST", path: "/api/v1/epochs/close", body: `{}`, status: 403, errCode: "forbidden"},
			// The server opened the first epoch when it started.
			{name: "a close closes the open epoch", as: "stella", method: "POST", path: "/api/v1/epochs/close", body: `{}`,
				status: 200, contains: []string{`"closed": {`, `"id": 1`, `"open": {`, `"id": 2`}},
			{name: "history after the close", as: "ada", method: "GET", path: "/api/v1/members/me/shares", status: 200, contains: []string{`"open_epoch"`, `"epoch": {`}},
		})

		// Once decided, everyone sees the count.
		p, err := f.governance().Get(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.governance().Decide(t.Context(), p.ClosesAt); err != nil || n != 2 {
			t.Fatalf("decided %d: %v", n, err)
		}
		runScenarios(t, f, []scenario{
			{name: "result published", as: "ada", method: "GET", path: "/api/v1/proposals/1", status: 200,
				contains: []string{`"phase": "decided"`, `"status": "no_quorum"`, `"result"`, `"votes": 1`}},
			{name: "vote after the close", as: "ada", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":1}`, status: 409, errCode: "conflict"},
		})
	})
}

// TestGovernPages: the pages answer each member with what they may see
// and do, and the forms create, vote and close.
func TestGovernPages(t *testing.T) {
	f := newFixture(t, store.SQLite)
	form := "application/x-www-form-urlencoded"
	valid := "title=Weekly+call&text=Should+we+meet+weekly%3F&mode=member&quorum=25&days=7&param=&option_0=yes&option_1=no&status_quo=1"
	runScenarios(t, f, []scenario{
		{name: "anonymous list", method: "GET", path: "/proposals", status: 303},
		{name: "empty list", as: "ada", method: "GET", path: "/proposals", status: 200, contains: []string{"No proposal is open."}},
		{name: "form shows current values", as: "ada", method: "GET", path: "/proposals/new", status: 200,
			contains: []string{"pay_floor_per_hour", "Pay floor per hour of measured work, in EUR — now 15.00 EUR per hour", "points_per_share"}},
		{name: "create", as: "ada", method: "POST", path: "/proposals", contentType: form, body: valid, status: 303},
		{name: "form keeps what was typed", as: "ada", method: "POST", path: "/proposals", contentType: form,
			body: strings.Replace(valid, "quorum=25", "quorum=lots", 1), status: 422, contains: []string{"quorum: a percentage", `value="Weekly call"`}},
		{name: "binding value out of range", as: "ada", method: "POST", path: "/proposals", contentType: form,
			body: strings.Replace(valid, "param=", "param=pay_floor_per_hour&value_0=1000.01", 1), status: 422, contains: []string{"option 1: between 0.00 and 1,000.00 EUR"}},
		{name: "list", as: "bob", method: "GET", path: "/proposals", status: 200, contains: []string{"Weekly call", "not voted"}},
		{name: "ballot", as: "bob", method: "GET", path: "/proposals/1", status: 200, contains: []string{`id="vote-form"`, `id="option-1"`, "You have not voted."}},
		{name: "vote", as: "bob", method: "POST", path: "/proposals/1/vote", contentType: form, body: "option=1", status: 303},
		{name: "own vote shown", as: "bob", method: "GET", path: "/proposals/1", status: 200, contains: []string{"You voted for <strong>no</strong>", "Change my vote"}},
		{name: "no counts before the close", as: "ada", method: "GET", path: "/proposals/1", status: 200, notContains: []string{`id="tally"`, "You voted"}},
		{name: "vote without a choice", as: "bob", method: "POST", path: "/proposals/1/vote", contentType: form, body: "", status: 422, contains: []string{"Choose an option"}},
		{name: "no such proposal", as: "bob", method: "GET", path: "/proposals/7", status: 404},
		{name: "shares", as: "ada", method: "GET", path: "/shares", status: 200, contains: []string{`id="shares">0<`, "1 share per 1.00 EUR earned in the epoch"}, notContains: []string{"close-epoch"}},
		{name: "steward sees the close button", as: "stella", method: "GET", path: "/shares", status: 200, contains: []string{`id="close-epoch"`}},
		{name: "member closes an epoch", as: "ada", method: "POST", path: "/epochs/close", contentType: form, status: 403},
		{name: "steward closes an epoch", as: "stella", method: "POST", path: "/epochs/close", contentType: form, status: 303},
		{name: "open epoch shown", as: "ada", method: "GET", path: "/shares", status: 200, contains: []string{"Epoch 2, open since"}},
	})

	// A binding proposal that passes changes the parameter, and the page
	// shows the count and the change.
	g := f.governance()
	stella := mustMember(t, f, "stella")
	now := time.Now()
	p, err := g.Create(t.Context(), stella.ID, govern.Draft{Title: "Raise the floor", Text: "To 20.00.", Mode: govern.PerMember, Param: coop.PayFloor, Quorum: 0.5,
		Options: []govern.Option{{Label: "raise", Value: ptrTo(int64(2000))}, {Label: "keep"}}, ClosesAt: now.Add(48 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ada", "bob"} {
		if _, err := g.Vote(t.Context(), mustMember(t, f, name).ID, p.ID, 0, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.Decide(t.Context(), p.ClosesAt); err != nil {
		t.Fatal(err)
	}
	// The change waits out the timelock, then applies.
	if _, err := g.Decide(t.Context(), p.ClosesAt.Add(time.Duration(coop.Defaults[coop.TimelockHours])*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if floor, _ := f.app.Params.Get(t.Context(), nil, coop.PayFloor); floor != 2000 {
		t.Fatalf("pay floor %d after the proposal passed", floor)
	}
	resp := f.do("ada", "GET", "/proposals/2", "", "", http.Header{})
	body := readBody(t, resp)
	for _, want := range []string{`id="tally"`, "Passed: “raise” won", "the pay floor: 15.00 EUR per hour → 20.00 EUR per hour", "2 voted"} {
		if !strings.Contains(body, want) {
			t.Errorf("decided page lacks %q", want)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
