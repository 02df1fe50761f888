package web_test

import (
	"encoding/json"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestModelShowCountsCalls: a model's page in the API counts the calls
// it answered and charged for.
func TestModelShowCountsCalls(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		clientKey(t, f, "bob")
		runScenarios(t, f, []scenario{
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		})
		ask := `{"model":"tenancy-helper","messages":[{"role":"user","content":"What notice period applies to tenants?"}]}`
		for range 2 {
			if resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", ask, nil); resp.StatusCode != 200 {
				t.Fatalf("call: %d %s", resp.StatusCode, readBody(t, resp))
			}
		}
		resp := f.do("bob", "GET", "/api/v1/models/tenancy-helper", "", "", nil)
		body := readBody(t, resp)
		var out struct {
			Model struct{ Calls int } `json:"model"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("show: %d %s", resp.StatusCode, body)
		}
		if out.Model.Calls != 2 {
			t.Fatalf("the model shows %d calls after 2 paid ones: %s", out.Model.Calls, body)
		}
	})
}
