package web_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/chromedp/chromedp"
)

// withModelData gives the tenancy datanet one record from ada and one from
// bob, and registers the retrieval model "tenancy-helper" on it.
func withModelData(t *testing.T, f *fixture) {
	t.Helper()
	withDatanets(t, f)
	runScenarios(t, f, []scenario{
		{name: "ada consents", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"grant"}`, status: 200},
		{name: "bob consents", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"grant"}`, status: 200},
		{name: "ada contributes", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/contributions", status: 201,
			body: `{"question":"How long is the notice period for tenants?","answer":"Tenants may give notice with three months to the end of a calendar month, whatever the lease says."}`},
		{name: "bob contributes", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", status: 201,
			body: `{"question":"Who pays for small repairs?","answer":"Small repairs clauses are valid only up to about one hundred euros per repair and a yearly cap."}`},
		{name: "members do not register models", as: "ada", method: "POST", path: "/api/v1/models", status: 403, errCode: "forbidden",
			body: `{"id":"mine","name":"Mine","kind":"retrieval","price_per_call":5,"datanets":["tenancy"]}`},
		{name: "a model needs a price and real datanets", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_call",
			body: `{"id":"free","name":"Free","kind":"retrieval","datanets":["tenancy"]}`},
		{name: "unknown datanet", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "datanets",
			body: `{"id":"x","name":"X","kind":"retrieval","price_per_call":5,"datanets":["nope"]}`},
		{name: "image datanets do not make text models", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "datanets",
			body: `{"id":"x","name":"X","kind":"retrieval","price_per_call":5,"datanets":["photos"]}`},
		{name: "register", as: "stella", method: "POST", path: "/api/v1/models", status: 201, contains: []string{`"id": "tenancy-helper"`, `"owner": "{stella}"`},
			body: `{"id":"tenancy-helper","name":"Tenancy helper","kind":"retrieval","price_per_call":100,"datanets":["tenancy"]}`},
		{name: "the id is taken", as: "stella", method: "POST", path: "/api/v1/models", status: 409, errCode: "conflict",
			body: `{"id":"tenancy-helper","name":"Again","kind":"retrieval","price_per_call":100,"datanets":["tenancy"]}`},
	})
}

// clientKey creates an API key for name through the API and lets the
// fixture send it as name+"-key".
func clientKey(t testing.TB, f *fixture, name string) {
	t.Helper()
	resp := f.do(name, "POST", "/api/v1/members/me/keys", "application/json", `{"name":"script"}`, nil)
	body := readBody(t, resp)
	var out struct{ Key string }
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &out) != nil || !strings.HasPrefix(out.Key, "alm_") {
		t.Fatalf("create key: %d %s", resp.StatusCode, body)
	}
	f.tokens[name+"-key"] = out.Key
}

func TestOpenAICompatibleModels(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		clientKey(t, f, "bob")
		ask := `{"model":"tenancy-helper","messages":[{"role":"user","content":"What notice period applies to tenants?"}]}`
		runScenarios(t, f, []scenario{
			{name: "no key", method: "POST", path: "/v1/chat/completions", body: ask, status: 401, errCode: "unauthorized"},
			{name: "a session token is not a client key", as: "bob", method: "POST", path: "/v1/chat/completions", body: ask, status: 401, errCode: "unauthorized"},
			{name: "list models", as: "bob-key", method: "GET", path: "/v1/models", status: 200, contains: []string{`"id": "tenancy-helper"`, `"object": "list"`}},
			{name: "no balance, no call", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: ask, status: 402, errCode: "payment_required"},
			{name: "members do not record deposits", as: "ada", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 403, errCode: "forbidden"},
			{name: "a deposit is positive", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":-5}`, status: 422, errCode: "invalid", errField: "amount"},
			{name: "deposit for an unknown member", as: "stella", method: "POST", path: "/api/v1/members/m-nobody/deposits", body: `{"amount":5}`, status: 404, errCode: "not_found"},
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201, contains: []string{`"event_id"`}},
			{name: "unknown model", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: `{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}`, status: 404, errCode: "not_found", errField: "model"},
			{name: "no messages", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: `{"model":"tenancy-helper","messages":[]}`, status: 422, errCode: "invalid", errField: "messages"},
			{name: "wrong type", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: `{"model":"tenancy-helper","stream":"yes","messages":[{"role":"user","content":"x"}]}`, status: 422, errCode: "invalid", errField: "stream"},
			{name: "not JSON", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: `{"model":`, status: 400, errCode: "bad_request"},
		})

		// A paid call: the answer is ada's record, and the charge is split
		// between ada, the builder and the treasury.
		resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", ask, nil)
		body := readBody(t, resp)
		var out struct {
			Object  string
			Choices []struct {
				Message struct{ Role, Content string }
			}
			Usage struct {
				TotalTokens int `json:"total_tokens"`
			}
			Att struct {
				Charge  int64
				EventID string `json:"event_id"`
				Records []struct {
					ID     string
					Amount int64
				}
				Shares struct{ Contributors, Builder, Treasury int64 }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("call: %d %s", resp.StatusCode, body)
		}
		if out.Object != "chat.completion" || len(out.Choices) != 1 || !strings.Contains(out.Choices[0].Message.Content, "three months") || out.Usage.TotalTokens == 0 {
			t.Fatalf("not an answer from ada's record: %s", body)
		}
		if out.Att.Charge != 100 || out.Att.Shares.Contributors+out.Att.Shares.Builder+out.Att.Shares.Treasury != 100 || out.Att.Shares.Contributors != 70 || out.Att.EventID == "" {
			t.Fatalf("split: %+v", out.Att)
		}
		var paid int64
		for _, r := range out.Att.Records {
			paid += r.Amount
		}
		if paid != out.Att.Shares.Contributors {
			t.Fatalf("records were paid %d of %d", paid, out.Att.Shares.Contributors)
		}
		balance := func(name string) int64 {
			b, err := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids[name]))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if balance("bob") != 900 || balance("ada") != 70 || balance("stella") != 20 {
			t.Fatalf("balances bob %d ada %d stella %d", balance("bob"), balance("ada"), balance("stella"))
		}

		// Streaming: server-sent events, ending with the attribution.
		resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", strings.Replace(ask, `"messages"`, `"stream":true,"messages"`, 1), nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var events []string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events = append(events, data)
			}
		}
		resp.Body.Close()
		var text strings.Builder
		for _, e := range events[:len(events)-2] {
			var chunk struct {
				Choices []struct{ Delta struct{ Content string } }
			}
			if err := json.Unmarshal([]byte(e), &chunk); err != nil || len(chunk.Choices) != 1 {
				t.Fatalf("chunk %q: %v", e, err)
			}
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
		if len(events) < 4 || events[len(events)-1] != "[DONE]" || !strings.Contains(events[len(events)-2], `"allmende_attribution"`) || !strings.Contains(text.String(), "three months") {
			t.Fatalf("stream events: %q", events)
		}

		// Where the data went: ada sees her record's earnings; bob may not.
		runScenarios(t, f, []scenario{
			{name: "ada's record earnings", as: "ada", method: "GET", path: "/api/v1/members/me/record-earnings", status: 200, contains: []string{`"calls": 2`, `"points": 140`, `"models": "Tenancy helper"`}},
			{name: "bob cannot read ada's", as: "bob", method: "GET", path: "/api/v1/members/{ada}/record-earnings", status: 403, errCode: "forbidden"},
			{name: "the model's top contributors", as: "bob", method: "GET", path: "/api/v1/models/tenancy-helper", status: 200, contains: []string{`"member": "{ada}"`, `"calls": 2`}},
			{name: "keys never show their secret", as: "bob", method: "GET", path: "/api/v1/members/me/keys", status: 200, contains: []string{`"last_used_at"`}, notContains: []string{f.tokens["bob-key"]}},
			{name: "ada cannot list bob's keys", as: "ada", method: "GET", path: "/api/v1/members/{bob}/keys", status: 403, errCode: "forbidden"},
			{name: "ada cannot revoke bob's key", as: "ada", method: "DELETE", path: "/api/v1/members/{bob}/keys/1", status: 403, errCode: "forbidden"},
		})
		var keys struct{ Keys []struct{ ID int64 } }
		json.Unmarshal([]byte(readBody(t, f.do("bob", "GET", "/api/v1/members/me/keys", "", "", nil))), &keys)
		runScenarios(t, f, []scenario{
			{name: "revoke", as: "bob", method: "DELETE", path: "/api/v1/members/me/keys/" + jsonInt(keys.Keys[0].ID), status: 204},
			{name: "a revoked key stops working", as: "bob-key", method: "POST", path: "/v1/chat/completions", body: ask, status: 401, errCode: "unauthorized"},
		})
		if balance("bob") != 800 {
			t.Fatalf("bob paid for refused calls: %d", balance("bob"))
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestUpstreamFailures checks that a model whose upstream is down or slow
// answers 502 or 504 and charges nothing.
func TestUpstreamFailures(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	clientKey(t, f, "bob")
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/v1"
	ln.Close() // nothing listens here now
	f.app.Models.Timeout = 200 * time.Millisecond
	runScenarios(t, f, []scenario{
		{name: "an upstream model needs a URL", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "upstream_url",
			body: `{"id":"llm","name":"LLM","kind":"openai","upstream_url":"ftp://x","upstream_model":"m","price_per_call":10,"datanets":["tenancy"]}`},
		{name: "register down", as: "stella", method: "POST", path: "/api/v1/models", status: 201, notContains: []string{"sk-secret"},
			body: `{"id":"down","name":"Down","kind":"openai","upstream_url":"` + closed + `","upstream_model":"m","upstream_key":"sk-secret","price_per_call":10,"datanets":["tenancy"]}`},
		{name: "register slow", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
			body: `{"id":"slow","name":"Slow","kind":"openai","upstream_url":"` + slow.URL + `/v1","upstream_model":"m","price_per_call":10,"datanets":["tenancy"]}`},
		{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		{name: "upstream down", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 502, errCode: "bad_gateway", notContains: []string{"sk-secret"},
			body: `{"model":"down","messages":[{"role":"user","content":"hi"}]}`},
		{name: "upstream slow", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 504, errCode: "gateway_timeout",
			body: `{"model":"slow","messages":[{"role":"user","content":"hi"}]}`},
		{name: "upstream slow, streaming", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 504, errCode: "gateway_timeout",
			body: `{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}`},
	})
	if b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"])); b != 1000 {
		t.Fatalf("failed calls were charged: balance %d", b)
	}
}

// TestBrowserModels walks the model pages: a steward registers a model
// (after a mistake the form explains), records a client's deposit, the
// client makes an API key (shown once), calls the model, and the
// contributor sees where her data went.
func TestBrowserModels(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "stella", "/models/new")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#model-form"),
		chromedp.SendKeys("#name", "Repairs helper"),
		chromedp.SendKeys("#id", "repairs-helper"),
		chromedp.SendKeys("#datanets", "tenancy"),
		chromedp.SetValue("#price_per_call", "0"),
		chromedp.Submit("#model-form"),
		chromedp.WaitVisible(".field-error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text(".field-error")); !strings.Contains(msg, "price") {
		t.Fatalf("price error = %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue("#price_per_call", "0.50"),
		chromedp.Submit("#model-form"),
		chromedp.WaitVisible("#model-id"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The steward records bob's deposit on the members page.
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/members"),
		chromedp.SendKeys(`form[action="/members/`+f.ids["bob"]+`/deposit"] input[name=amount]`, "5.00"),
		chromedp.Submit(`form[action="/members/`+f.ids["bob"]+`/deposit"]`),
		chromedp.WaitVisible(chromedp.CSS("table")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The page after the post looks like the one before: wait for the
	// balance instead.
	var b int64
	for range 100 {
		if b, _ = f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"])); b != 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b != 500 {
		t.Fatalf("bob's balance after the deposit form: %d", b)
	}

	// Bob makes a key; it is shown once.
	bob := browsertest.New(t)
	signInBrowser(t, f, bob, "bob", "/keys")
	err = chromedp.Do(bob,
		chromedp.WaitVisible("#key-name"),
		chromedp.SendKeys("#key-name", "my script"),
		chromedp.Click("#create-key"),
		chromedp.WaitVisible("#secret"),
	)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := chromedp.Run(bob, chromedp.Text("#secret"))
	f.tokens["bob-key"] = secret
	browsertest.Screenshot(t, bob, "keys")
	resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"repairs-helper","messages":[{"role":"user","content":"Who pays for small repairs?"}]}`, nil)
	if body := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(body, "one hundred euros") {
		t.Fatalf("call with the browser-made key: %d %s", resp.StatusCode, body)
	}
	if err := chromedp.Do(bob, chromedp.Reload(), chromedp.WaitVisible("#key-list")); err != nil {
		t.Fatal(err)
	}
	if page, _ := chromedp.Run(bob, chromedp.Text("main")); strings.Contains(page, secret) || strings.Contains(page, "never") {
		t.Fatalf("the keys page shows the secret again or no last use: %q", page)
	}

	// Bob's record earned 35 of the 50 points.
	err = chromedp.Do(bob,
		chromedp.Navigate(f.srv.URL+"/my-data"),
		chromedp.WaitVisible("#record-earnings"),
	)
	if err != nil {
		t.Fatal(err)
	}
	row, _ := chromedp.Run(bob, chromedp.Text("#record-earnings tbody tr"))
	if !strings.Contains(row, "Repairs helper") || !strings.Contains(row, "0.35") {
		t.Fatalf("where my data went: %q", row)
	}
	browsertest.Screenshot(t, bob, "where-my-data-went")
	err = chromedp.Do(bob,
		chromedp.Navigate(f.srv.URL+"/models/repairs-helper"),
		chromedp.WaitVisible("#top-contributors"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if top, _ := chromedp.Run(bob, chromedp.Text("#top-contributors")); !strings.Contains(top, f.ids["bob"]) {
		t.Fatalf("top contributors: %q", top)
	}
	browsertest.Screenshot(t, bob, "model")
}
