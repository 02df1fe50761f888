package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestFundingRoundsThroughTheAPI: stella, the builder of tenancy-helper,
// opens a round naming a version of its datanet; ada and bob pledge, the
// refused cases name their field or say the round is closed; the close
// pays stella's costs and returns the rest pro rata; the next call pays
// the funders.
func TestFundingRoundsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db.Dialect())
		withModelData(t, f)
		clientKey(t, f, "bob")
		deadline := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		open := func(extra string) string {
			return `{"goal_text":"30.00","costs":1200,"share_bp":1500,"deadline":"` + deadline + `","datanet_versions":["tenancy@1"]` + extra + `}`
		}
		const path = "/api/v1/models/tenancy-helper/funding"
		runScenarios(t, f, []scenario{
			{name: "no round yet", as: "ada", method: "GET", path: path, status: 200, contains: []string{`"round": null`}},
			{name: "a version to name", as: "stella", method: "POST", path: "/api/v1/datanets/tenancy/versions", body: `{}`, status: 201},
			{name: "only the builder opens a round", as: "ada", method: "POST", path: path, body: open(""), status: 403, errCode: "forbidden"},
			{name: "the funders' share fits in the builder's part", as: "stella", method: "POST", path: path, body: strings.Replace(open(""), `"share_bp":1500`, `"share_bp":2001`, 1), status: 422, errCode: "invalid", errField: "share_bp"},
			{name: "costs at most the goal", as: "stella", method: "POST", path: path, body: strings.Replace(open(""), `"costs":1200`, `"costs":3001`, 1), status: 422, errCode: "invalid", errField: "costs"},
			{name: "a goal in money", as: "stella", method: "POST", path: path, body: strings.Replace(open(""), `"30.00"`, `"30,00"`, 1), status: 422, errCode: "invalid", errField: "goal_text"},
			{name: "a deadline in RFC 3339", as: "stella", method: "POST", path: path, body: strings.Replace(open(""), deadline, "tomorrow", 1), status: 422, errCode: "invalid", errField: "deadline"},
			{name: "a version that exists", as: "stella", method: "POST", path: path, body: strings.Replace(open(""), "tenancy@1", "tenancy@7", 1), status: 422, errCode: "invalid", errField: "datanet_versions"},
			{name: "unknown model", as: "stella", method: "POST", path: "/api/v1/models/nope/funding", body: open(""), status: 404, errCode: "not_found"},
			{name: "open", as: "stella", method: "POST", path: path, body: open(""), status: 201, contains: []string{`"state": "open"`, `"goal": 3000`, `"goal_text": "30.00 EUR"`, `"datanet": "tenancy"`}},
			{name: "one round at a time", as: "stella", method: "POST", path: path, body: open(""), status: 409, errCode: "conflict"},
			{name: "deposit for ada", as: "stella", method: "POST", path: "/api/v1/members/{ada}/deposits", body: `{"amount":5000}`, status: 201},
			{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":5000}`, status: 201},
			{name: "ada pledges 20.00", as: "ada", method: "POST", path: path + "/pledges", body: `{"amount_text":"20.00"}`, status: 200, contains: []string{`"my_pledge": 2000`, `"pledged": 2000`}},
			{name: "no more than the goal lacks", as: "bob", method: "POST", path: path + "/pledges", body: `{"amount":1001}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "no more than one holds", as: "stella", method: "POST", path: path + "/pledges", body: `{"amount":10}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "a pledge is positive", as: "bob", method: "POST", path: path + "/pledges", body: `{"amount":-5}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "amount and text agree", as: "bob", method: "POST", path: path + "/pledges", body: `{"amount":5,"amount_text":"0.06"}`, status: 422, errCode: "invalid", errField: "amount_text"},
			{name: "bob pledges the rest", as: "bob", method: "POST", path: path + "/pledges", body: `{"amount":1000}`, status: 200, contains: []string{`"funders": 2`, `"pledged": 3000`}},
			{name: "only the builder or a steward closes", as: "ada", method: "POST", path: path + "/close", status: 403, errCode: "forbidden"},
			{name: "close", as: "stella", method: "POST", path: path + "/close", status: 200, contains: []string{`"state": "funded"`, `"close_event_id"`}},
			{name: "closed rounds take no pledge", as: "ada", method: "POST", path: path + "/pledges", body: `{"amount":1}`, status: 409, errCode: "conflict"},
			{name: "closed once", as: "stella", method: "POST", path: path + "/close", status: 409, errCode: "conflict"},
		})
		balance := func(name string) int64 {
			b, err := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids[name]))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		// Costs of 12.00 to stella; 18.00 back to ada and bob, 2:1.
		if balance("stella") != 1200 || balance("ada") != 4200 || balance("bob") != 4600 {
			t.Fatalf("after the close: stella %d, ada %d, bob %d", balance("stella"), balance("ada"), balance("bob"))
		}
		resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"tenancy-helper","messages":[{"role":"user","content":"What notice period applies to tenants?"}]}`, nil)
		body := readBody(t, resp)
		var out struct {
			Att struct {
				Shares struct{ Contributors, Builder, Treasury, Funders int64 }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("call: %d %s", resp.StatusCode, body)
		}
		// 100 a call: contributors 70, treasury 10, the builder's 20 less
		// the funders' 15 (ada 10, bob 5).
		if s := out.Att.Shares; s.Contributors != 70 || s.Treasury != 10 || s.Funders != 15 || s.Builder != 5 {
			t.Fatalf("shares %+v", s)
		}
		runScenarios(t, f, []scenario{
			{name: "the funders' earnings", as: "ada", method: "GET", path: path, status: 200,
				contains: []string{`"my_earnings": 10`, `"funder": "` + f.ids["bob"] + `"`, `"earned": 5`}},
			// The model is trained on the version the round named.
			{name: "a datanet version that exists", as: "stella", method: "POST", path: "/api/v1/models/tenancy-helper/versions", status: 422, errCode: "invalid", errField: "datanet_versions",
				body: `{"datanet_versions":["tenancy@9"],"label_field":"labels"}`},
			{name: "versions or datanets, not both", as: "stella", method: "POST", path: "/api/v1/models/tenancy-helper/versions", status: 422, errCode: "invalid", errField: "datanet_versions",
				body: `{"datanet_versions":["tenancy@1"],"datanets":["tenancy"],"label_field":"labels"}`},
			{name: "train on the round's version", as: "stella", method: "POST", path: "/api/v1/models/tenancy-helper/versions", status: 202,
				body: `{"datanet_versions":["tenancy@1"],"label_field":"labels"}`, contains: []string{`"datanet_versions": [`, `"tenancy@1"`}},
		})
	})
}
