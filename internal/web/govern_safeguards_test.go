package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/store"
)

// TestGovernSafeguardsAPI: delegation (refused to oneself, to nobody and
// in a circle, naming it; listed to its owner with a count of their own
// delegators; revoked), constraints refused when a proposal is made,
// naming them, a proposal waiting for co-signers, and a passed change
// waiting in its timelock, listed in the queue and stoppable by a
// counter-proposal.
func TestGovernSafeguardsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		closes := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		binding := func(param string, value string) string {
			return `{"title":"Change it","text":"A change.","mode":"member","quorum":0.5,"param":"` + param + `","closes_at":"` + closes + `",
				"options":[{"label":"change","value":` + value + `},{"label":"keep"}]}`
		}
		runScenarios(t, f, []scenario{
			{name: "delegate to oneself", as: "ada", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{ada}"}`, status: 422, errCode: "invalid", errField: "delegate"},
			{name: "delegate to nobody", as: "ada", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"m-nobody"}`, status: 422, errCode: "invalid", errField: "delegate"},
			{name: "no such topic", as: "ada", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{bob}","topic":"weather"}`, status: 422, errCode: "invalid", errField: "topic"},
			{name: "delegate", as: "ada", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{bob}"}`, status: 201, contains: []string{`"delegate": "{bob}"`, `"topic": ""`}},
			{name: "delegate a topic", as: "stella", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{ada}","topic":"pay_floor_per_hour"}`, status: 201},
			{name: "cycle refused and named", as: "bob", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{stella}","topic":"pay_floor_per_hour"}`,
				status: 422, errCode: "invalid", errField: "delegate", contains: []string{"delegating to {stella} would close a circle of delegations on the topic pay_floor_per_hour"}, notContains: []string{"{ada}", "{bob}"}},
			{name: "own delegations", as: "ada", method: "GET", path: "/api/v1/delegations", status: 200,
				contains: []string{`"delegate": "{bob}"`, `"delegators": 1`, `"timelock_hours"`}, notContains: []string{"{stella}"}},
			{name: "delegate's view", as: "bob", method: "GET", path: "/api/v1/delegations", status: 200, contains: []string{`"delegations": []`, `"delegators": 1`}},
			{name: "revoke", as: "ada", method: "DELETE", path: "/api/v1/delegations/all", status: 204},
			{name: "revoke again", as: "ada", method: "DELETE", path: "/api/v1/delegations/all", status: 404, errCode: "not_found"},
			{name: "shares past 100 %", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("contributor_share_bp", "9500"),
				status: 422, errCode: "invalid", errField: "shares_within_whole", contains: []string{"more than 100 %"}},
			{name: "legal minimum is the steward's", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("legal_minimum_pay_per_hour", "1000"),
				status: 422, errCode: "invalid", errField: "param"},
			{name: "parameters", as: "ada", method: "GET", path: "/api/v1/params", status: 200,
				contains: []string{`"name": "legal_minimum_pay_per_hour"`, `"steward_only": true`, `"shares_within_whole"`}},
			{name: "member sets the legal minimum", as: "ada", method: "POST", path: "/api/v1/params/legal_minimum_pay_per_hour", body: `{"value":1200}`, status: 403, errCode: "forbidden"},
			{name: "no such parameter", as: "stella", method: "POST", path: "/api/v1/params/weather", body: `{"value":1}`, status: 404, errCode: "not_found"},
			{name: "no value", as: "stella", method: "POST", path: "/api/v1/params/legal_minimum_pay_per_hour", body: `{}`, status: 422, errCode: "invalid", errField: "value"},
			{name: "legal minimum above the floor", as: "stella", method: "POST", path: "/api/v1/params/legal_minimum_pay_per_hour", body: `{"value_text":"15.01"}`,
				status: 422, errCode: "invalid", errField: "pay_floor_above_legal_minimum"},
			{name: "steward sets the legal minimum", as: "stella", method: "POST", path: "/api/v1/params/legal_minimum_pay_per_hour", body: `{"value":1282,"value_text":"12.82"}`,
				status: 200, contains: []string{`"value": 1282`}},
			{name: "floor below it refused", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("pay_floor_per_hour", "1281"),
				status: 422, errCode: "invalid", errField: "pay_floor_above_legal_minimum"},
			{name: "counter-proposal against nothing", as: "ada", method: "POST", path: "/api/v1/proposals",
				body:   `{"title":"Stop","text":"Stop it.","mode":"member","quorum":0.5,"stops":1,"closes_at":"` + closes + `","options":[{"label":"stop"},{"label":"let it","status_quo":true}]}`,
				status: 422, errCode: "invalid", errField: "stops"},
			{name: "binding proposal", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("pay_floor_per_hour", "1800"), status: 201, contains: []string{`"id": 1`}},
			{name: "vote", as: "ada", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":0}`, status: 201},
			{name: "vote too", as: "bob", method: "POST", path: "/api/v1/proposals/1/votes", body: `{"option":0}`, status: 201},
			{name: "co-sign an open proposal", as: "bob", method: "POST", path: "/api/v1/proposals/1/cosigners", status: 409, errCode: "conflict"},
		})
		g := f.governance()
		p, err := g.Get(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.Decide(t.Context(), p.ClosesAt); err != nil {
			t.Fatal(err)
		}
		stella := mustMember(t, f, "stella")
		if err := f.app.Params.SetAsSteward(t.Context(), stella, coop.ProposalShares, 10); err != nil {
			t.Fatal(err)
		}
		if err := f.app.Params.SetAsSteward(t.Context(), stella, coop.ProposalCosigners, 1); err != nil {
			t.Fatal(err)
		}
		runScenarios(t, f, []scenario{
			{name: "queued, not applied", as: "bob", method: "GET", path: "/api/v1/proposals/1", status: 200,
				contains: []string{`"status": "passed"`, `"change": {`, `"state": "queued"`, `"value": 1800`, `"applies_at"`}},
			{name: "the queue", as: "bob", method: "GET", path: "/api/v1/proposals/queue", status: 200, contains: []string{`"id": 1`, `"state": "queued"`}},
			{name: "treasury share that only breaks with nothing queued is fine", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("treasury_share_bp", "3000"), status: 201,
				contains: []string{`"phase": "cosigning"`, `"cosigners_needed": 1`}},
			{name: "no vote while co-signing", as: "bob", method: "POST", path: "/api/v1/proposals/2/votes", body: `{"option":0}`, status: 409, errCode: "conflict"},
			{name: "proposer cannot co-sign", as: "ada", method: "POST", path: "/api/v1/proposals/2/cosigners", status: 409, errCode: "conflict"},
			{name: "co-sign", as: "bob", method: "POST", path: "/api/v1/proposals/2/cosigners", status: 201,
				contains: []string{`"phase": "voting"`, `"cosigners": [`, `"{bob}"`}},
			{name: "counter-proposal", as: "bob", method: "POST", path: "/api/v1/proposals",
				body:   `{"title":"Stop","text":"Stop it.","mode":"member","quorum":0.5,"stops":1,"closes_at":"` + closes + `","options":[{"label":"stop"},{"label":"let it","status_quo":true}]}`,
				status: 201, contains: []string{`"stops": 1`, `"phase": "cosigning"`}},
		})
		if floor, _ := f.app.Params.Get(t.Context(), nil, coop.PayFloor); floor != 1500 {
			t.Fatalf("pay floor %d during the timelock", floor)
		}
		p, _ = g.Get(t.Context(), 1)
		if _, err := g.Decide(t.Context(), p.Change.AppliesAt); err != nil {
			t.Fatal(err)
		}
		resp := f.do("bob", "GET", "/api/v1/proposals/1", "", "", nil)
		if body := readBody(t, resp); !strings.Contains(body, `"state": "applied"`) || !strings.Contains(body, `"previous": 1500`) {
			t.Fatalf("after the timelock: %s", body)
		}
	})
}

// TestGovernSafeguardsPages: the proposals page delegates and revokes,
// showing a refused delegation beside its field; a steward sets the legal
// minimum there and a member may not; the new-proposal form refuses a
// proposal that breaks a rule no vote can change, naming it; a proposal
// waiting for co-signers offers the button to others; a passed change
// shows what will change and when, and offers a counter-proposal.
func TestGovernSafeguardsPages(t *testing.T) {
	f := newFixture(t, store.SQLite)
	form := "application/x-www-form-urlencoded"
	runScenarios(t, f, []scenario{
		{name: "delegation panel", as: "ada", method: "GET", path: "/proposals", status: 200,
			contains: []string{`id="delegate-form"`, "You have not delegated your vote.", `id="rules"`, "A passed change waits <strong id=\"timelock-hours\">48 hours"}, notContains: []string{`id="legal-minimum-form"`}},
		{name: "delegate to oneself", as: "ada", method: "POST", path: "/delegations", contentType: form, body: "delegate={ada}&topic=all", status: 422,
			contains: []string{"someone other than you", `value="{ada}"`}},
		{name: "delegate", as: "ada", method: "POST", path: "/delegations", contentType: form, body: "delegate={bob}&topic=all", status: 303},
		{name: "cycle named", as: "bob", method: "POST", path: "/delegations", contentType: form, body: "delegate={ada}&topic=pay_floor_per_hour", status: 422,
			contains: []string{"delegating to {ada} would close a circle of delegations on the topic pay_floor_per_hour"}, notContains: []string{"→"}},
		{name: "delegation shown", as: "ada", method: "GET", path: "/proposals", status: 200, contains: []string{"every proposal: to <code>{bob}</code>", `id="revoke-all"`}},
		{name: "delegate sees a count", as: "bob", method: "GET", path: "/proposals", status: 200, contains: []string{"1 member delegates to you"}},
		{name: "revoke", as: "ada", method: "POST", path: "/delegations/revoke", contentType: form, body: "topic=all", status: 303},
		{name: "revoked", as: "ada", method: "GET", path: "/proposals", status: 200, contains: []string{"You have not delegated your vote."}},
		{name: "member sets the legal minimum", as: "ada", method: "POST", path: "/settings/legal-minimum", contentType: form, body: "legal_minimum=12.00", status: 403},
		{name: "steward sets the legal minimum", as: "stella", method: "POST", path: "/settings/legal-minimum", contentType: form, body: "legal_minimum=12.00", status: 303},
		{name: "legal minimum above the floor", as: "stella", method: "POST", path: "/settings/legal-minimum", contentType: form, body: "legal_minimum=16.00", status: 422,
			contains: []string{"below the legal minimum"}},
		{name: "legal minimum shown", as: "stella", method: "GET", path: "/proposals", status: 200, contains: []string{`id="legal-minimum">12.00 EUR`, `id="legal-minimum-form"`}},
		{name: "floor below the legal minimum refused at creation", as: "ada", method: "POST", path: "/proposals", contentType: form,
			body: "title=Lower+the+floor&text=Lower+it.&mode=member&quorum=50&days=3&param=pay_floor_per_hour&option_0=lower&value_0=11.00&option_1=keep", status: 422,
			contains: []string{`id="constraint-error"`, "below the legal minimum"}},
		{name: "binding proposal", as: "ada", method: "POST", path: "/proposals", contentType: form,
			body: "title=Raise+the+floor&text=Raise+it.&mode=member&quorum=50&days=3&param=pay_floor_per_hour&option_0=raise&value_0=18.00&option_1=keep", status: 303},
	})
	g := f.governance()
	for _, name := range []string{"ada", "bob"} {
		if _, err := g.Vote(t.Context(), mustMember(t, f, name).ID, 1, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := g.Get(t.Context(), 1)
	if _, err := g.Decide(t.Context(), p.ClosesAt); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Params.SetAsSteward(t.Context(), mustMember(t, f, "stella"), coop.ProposalShares, 3); err != nil {
		t.Fatal(err)
	}
	runScenarios(t, f, []scenario{
		{name: "timelock shown", as: "bob", method: "GET", path: "/proposals/1", status: 200,
			contains: []string{`id="timelock"`, "the pay floor: 15.00 EUR per hour → 18.00 EUR per hour", `id="counter-proposal"`, "Applies on"}},
		{name: "queue on the list", as: "bob", method: "GET", path: "/proposals", status: 200, contains: []string{`id="queued-1"`, "18.00 EUR per hour"}},
		{name: "counter-proposal form", as: "bob", method: "GET", path: "/proposals/new?stops=1", status: 200,
			contains: []string{`id="counter-of"`, `name="stops" value="1"`, `value="Let it apply"`}},
		{name: "counter-proposal", as: "bob", method: "POST", path: "/proposals", contentType: form,
			body: "title=Stop+the+raise&text=Not+now.&mode=member&quorum=50&days=1&param=&stops=1&option_0=stop&option_1=let+it&status_quo=1", status: 303},
		{name: "waits for co-signers", as: "ada", method: "GET", path: "/proposals/2", status: 200,
			contains:    []string{`id="cosigning"`, `id="cosign"`, `id="stops"`, `<dd id="binding">yes: if it passes, the change of <a href="/proposals/1">proposal 1</a> never applies`},
			notContains: []string{`id="vote-form"`, "no: advisory"}},
		{name: "proposer has no co-sign button", as: "bob", method: "GET", path: "/proposals/2", status: 200, notContains: []string{`id="cosign"`}},
		{name: "co-sign", as: "ada", method: "POST", path: "/proposals/2/cosign", contentType: form, status: 303},
		{name: "co-sign twice", as: "ada", method: "POST", path: "/proposals/2/cosign", contentType: form, status: 409, contains: []string{"already co-signed"}},
		{name: "last co-signer", as: "stella", method: "POST", path: "/proposals/2/cosign", contentType: form, status: 303},
		{name: "open after co-signing", as: "stella", method: "GET", path: "/proposals/2", status: 200, contains: []string{`id="vote-form"`}},
		{name: "held by the counter-proposal", as: "ada", method: "GET", path: "/proposals/1", status: 200,
			contains: []string{`id="held-by"`, `Held by <a href="/proposals/2">proposal 2</a> until`, "unless the counter-proposal stops it"}, notContains: []string{`id="counter-proposal"`}},
		{name: "held on the list", as: "ada", method: "GET", path: "/proposals", status: 200, contains: []string{`unless <a href="/proposals/2">proposal 2</a> stops it`}},
		{name: "held_by in the API", as: "ada", method: "GET", path: "/api/v1/proposals/1", status: 200, contains: []string{`"held_by": 2`, `"held_until": "`}},
		{name: "a second counter-proposal", as: "ada", method: "POST", path: "/proposals", contentType: form,
			body: "title=Stop+it+too&text=Not+now.&mode=member&quorum=50&days=1&param=&stops=1&option_0=stop&option_1=let+it&status_quo=1", status: 409,
			contains: []string{"Proposal 2 is already a counter-proposal"}},
	})
	// Past its due time the page does not claim a time already passed: it
	// says which vote the change waits for.
	if err := f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), `UPDATE queued_changes SET applies_at = $1 WHERE proposal_id = 1`, time.Now().Add(-time.Hour).UnixMilli())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runScenarios(t, f, []scenario{
		{name: "due, waiting for the counter-proposal", as: "ada", method: "GET", path: "/proposals/1", status: 200,
			contains: []string{"Was due on", `waits for <a href="/proposals/2">proposal 2</a>'s vote`}, notContains: []string{"in now", "Applies on"}},
		{name: "due on the list", as: "ada", method: "GET", path: "/proposals", status: 200,
			contains: []string{"was due on", `waits for <a href="/proposals/2">proposal 2</a>'s vote`}, notContains: []string{"in now"}},
	})
	// The counter-proposal passes before the change applies: the change is
	// stopped, and its page says so and by which proposal.
	for _, name := range []string{"ada", "bob", "stella"} {
		if _, err := g.Vote(t.Context(), mustMember(t, f, name).ID, 2, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	counter, _ := g.Get(t.Context(), 2)
	if _, err := g.Decide(t.Context(), counter.ClosesAt); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Decide(t.Context(), p.ClosesAt.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if floor, _ := f.app.Params.Get(t.Context(), nil, coop.PayFloor); floor != 1500 {
		t.Fatalf("pay floor %d after the change was stopped", floor)
	}
	runScenarios(t, f, []scenario{
		{name: "stopped", as: "ada", method: "GET", path: "/proposals/1", status: 200,
			contains: []string{`id="timelock-state"`, "Stopped by a counter-proposal", `href="/proposals/2"`}, notContains: []string{`id="counter-proposal"`}},
		{name: "nothing waits", as: "ada", method: "GET", path: "/proposals", status: 200, notContains: []string{`id="queued-changes"`}},
	})
}
