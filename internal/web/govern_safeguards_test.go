package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestGovernSafeguardsAPI: delegation (refused to oneself, to nobody and
// in a circle, naming it; listed to its owner with a count of their own
// delegators; revoked), constraints refused when a proposal is made,
// naming them, a proposal waiting for co-signers, and a passed change
// waiting in its timelock, listed in the queue and stoppable by a
// counter-proposal.
func TestGovernSafeguardsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db.Dialect())
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
				status: 422, errCode: "invalid", errField: "delegate", contains: []string{"delegation cycle: {bob} → {stella} → {ada} → {bob}"}},
			{name: "own delegations", as: "ada", method: "GET", path: "/api/v1/delegations", status: 200,
				contains: []string{`"delegate": "{bob}"`, `"delegators": 1`, `"timelock_hours"`}, notContains: []string{"{stella}"}},
			{name: "delegate's view", as: "bob", method: "GET", path: "/api/v1/delegations", status: 200, contains: []string{`"delegations": []`, `"delegators": 1`}},
			{name: "revoke", as: "ada", method: "DELETE", path: "/api/v1/delegations/all", status: 204},
			{name: "revoke again", as: "ada", method: "DELETE", path: "/api/v1/delegations/all", status: 404, errCode: "not_found"},
			{name: "shares past 100 %", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("contributor_share_bp", "9500"),
				status: 422, errCode: "invalid", errField: "shares_within_whole", contains: []string{"more than 100 %"}},
			{name: "legal minimum is the steward's", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("legal_minimum_pay_per_hour", "1000"),
				status: 422, errCode: "invalid", errField: "param"},
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
