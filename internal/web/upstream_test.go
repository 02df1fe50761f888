package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestUpstreamCannotReachTheServersNetwork registers models the way an
// attacker would, on a server that does not allow private upstreams: the
// server's own loopback, the cloud metadata address and a URL with a key
// in it are refused with 422 naming upstream_url, and nothing is stored.
// An upstream's error body never reaches the caller.
func TestUpstreamCannotReachTheServersNetwork(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	clientKey(t, f, "bob")
	leaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "redis: AUTH hunter2-internal failed at 10.0.0.5:6379", http.StatusInternalServerError)
	}))
	defer leaky.Close()
	model := func(id, url string) string {
		return `{"id":"` + id + `","name":"LLM","kind":"openai","upstream_url":"` + url + `","upstream_model":"m","upstream_key":"sk-secret","price_per_call":10,"datanets":["tenancy"]}`
	}
	f.app.Models.AllowPrivate = false
	runScenarios(t, f, []scenario{
		{name: "redis on loopback", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url",
			body: model("redis", "http://127.0.0.1:6379")},
		{name: "this server", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url",
			body: model("self", f.srv.URL+"/api/v1")},
		{name: "cloud metadata", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url",
			body: model("metadata", "http://169.254.169.254/latest")},
		{name: "loopback by name", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url",
			body: model("named", "http://localhost:11434/v1")},
		{name: "a key in the URL", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url", notContains: []string{"sk-in-url"},
			body: model("userinfo", "https://me:sk-in-url@api.openai.com/v1")},
		{name: "none was stored", as: "bob-key", method: "GET", path: "/v1/models", status: 200, notContains: []string{"redis", "self", "metadata", "named", "userinfo"}},
	})
	// An operator who runs the LLM on the LAN allows private upstreams;
	// still, what the upstream says when it fails stays in the log.
	f.app.Models.AllowPrivate = true
	runScenarios(t, f, []scenario{
		{name: "register on the LAN", as: "stella", method: "POST", path: "/api/v1/models", status: 201, body: model("leaky", leaky.URL+"/v1")},
		{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		{name: "upstream fails", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 502, errCode: "bad_gateway", notContains: []string{"hunter2", "10.0.0.5", "sk-secret"},
			body: `{"model":"leaky","messages":[{"role":"user","content":"hi"}]}`},
		{name: "upstream fails, streaming", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 502, errCode: "bad_gateway", notContains: []string{"hunter2", "10.0.0.5", "sk-secret"},
			body: `{"model":"leaky","stream":true,"messages":[{"role":"user","content":"hi"}]}`},
	})
	if b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"])); b != 1000 {
		t.Fatalf("failed calls were charged: balance %d", b)
	}
}
