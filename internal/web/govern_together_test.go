package web_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/store"
)

// TestGovernOpenProposalsTogetherAPI: a share proposal that, with one
// still open, would take the shares past 100 % is refused with a
// conflict on the rule, naming the open proposal; a topic's delegation
// whose revocation would close a circle is kept, with a conflict naming
// the topic.
func TestGovernOpenProposalsTogetherAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	closes := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	binding := func(title, param, value string) string {
		return `{"title":"` + title + `","text":"A change.","mode":"member","quorum":0.5,"param":"` + param + `","closes_at":"` + closes + `",
			"options":[{"label":"change","value":` + value + `},{"label":"keep"}]}`
	}
	runScenarios(t, f, []scenario{
		{name: "contributors to 85 %", as: "ada", method: "POST", path: "/api/v1/proposals", body: binding("More for contributors", "contributor_share_bp", "8500"), status: 201,
			contains: []string{`"id": 1`}},
		{name: "treasury to 20 % beside it", as: "bob", method: "POST", path: "/api/v1/proposals", body: binding("More for the treasury", "treasury_share_bp", "2000"),
			status: 409, errCode: "conflict", errField: "shares_within_whole", contains: []string{`proposal 1 (\"More for contributors\") both pass`, "105.00 %"}},
		{name: "treasury to 15 % fits", as: "bob", method: "POST", path: "/api/v1/proposals", body: binding("A little more for the treasury", "treasury_share_bp", "1500"), status: 201},
		{name: "ada gives bob the pay floor", as: "ada", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{bob}","topic":"pay_floor_per_hour"}`, status: 201},
		{name: "bob gives stella the pay floor", as: "bob", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{stella}","topic":"pay_floor_per_hour"}`, status: 201},
		{name: "bob gives ada everything else", as: "bob", method: "POST", path: "/api/v1/delegations", body: `{"delegate":"{ada}"}`, status: 201},
		{name: "revoking into a circle", as: "bob", method: "DELETE", path: "/api/v1/delegations/pay_floor_per_hour", status: 409, errCode: "conflict", errField: "topic",
			notContains: []string{"{ada}"}},
	})
}
