package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// The attacks of issue 11 "Money can be created from nothing", repeated
// through the HTTP API as a client or requester would try them.

// lyingUpstream is an OpenAI-compatible stub that reports the given usage
// object whatever it answered, streaming or not.
func lyingUpstream(t *testing.T, usage string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Stream bool }
		json.NewDecoder(r.Body).Decode(&req)
		if req.Stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Three months.\"}}]}\n\n")
			fmt.Fprintf(w, "data: {\"choices\":[],\"usage\":%s}\n\n", usage)
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","content":"Three months."}}],"usage":%s}`, usage)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestModelPricesAndUsageCannotMintPoints(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		clientKey(t, f, "bob")
		negative := lyingUpstream(t, `{"prompt_tokens":-1000,"completion_tokens":0,"total_tokens":-1000}`)
		huge := lyingUpstream(t, `{"prompt_tokens":9000000000000000000,"completion_tokens":9000000000000000000,"total_tokens":9000000000000000000}`)
		model := func(id, url, prices string) string {
			return `{"id":"` + id + `","name":"` + id + `","kind":"openai","upstream_url":"` + url + `/v1","upstream_model":"m",` + prices + `,"datanets":["tenancy"]}`
		}
		max := strconv.FormatInt(points.MaxPrice, 10)
		runScenarios(t, f, []scenario{
			{name: "a price per 1k tokens at the int64 maximum", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_1k_tokens",
				body: model("greedy", negative.URL, `"price_per_call":1,"price_per_1k_tokens":9223372036854775807`)},
			{name: "a price per call at the int64 maximum", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_call",
				body: model("greedy", negative.URL, `"price_per_call":9223372036854775807`)},
			{name: "one point above the price limit", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_1k_tokens",
				body: model("greedy", negative.URL, `"price_per_1k_tokens":`+strconv.FormatInt(points.MaxPrice+1, 10))},
			{name: "a negative price per 1k tokens names that field", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "price_per_1k_tokens",
				body: model("greedy", negative.URL, `"price_per_call":5,"price_per_1k_tokens":-1`)},
			{name: "prices at the limit", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
				body: model("dear", huge.URL, `"price_per_call":`+max+`,"price_per_1k_tokens":`+max)},
			{name: "an upstream that reports negative usage", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
				body: model("liar", negative.URL, `"price_per_call":10,"price_per_1k_tokens":1000`)},
			{name: "an upstream that reports huge usage", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
				body: model("boaster", huge.URL, `"price_per_call":10,"price_per_1k_tokens":1000`)},
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":100000}`, status: 201},
			{name: "max_tokens beyond its range", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 422, errCode: "invalid", errField: "max_tokens",
				body: `{"model":"liar","max_tokens":` + strconv.Itoa(points.MaxTokens+1) + `,"messages":[{"role":"user","content":"notice?"}]}`},
			{name: "a negative max_tokens", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 422, errCode: "invalid", errField: "max_tokens",
				body: `{"model":"liar","max_tokens":-1,"messages":[{"role":"user","content":"notice?"}]}`},
			{name: "max_tokens and max_completion_tokens that disagree", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 422, errCode: "invalid", errField: "max_completion_tokens",
				body: `{"model":"liar","max_tokens":5,"max_completion_tokens":500000,"messages":[{"role":"user","content":"notice?"}]}`},
			{name: "a call at the highest prices is refused for want of cover, not paid", as: "bob-key", method: "POST", path: "/v1/chat/completions", status: 402, errCode: "payment_required",
				body: `{"model":"dear","messages":[{"role":"user","content":"notice?"}]}`},
		})
		balance := func(account string) int64 {
			b, err := f.app.Reward.Balance(t.Context(), account)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		for _, tt := range []struct{ model, maxTokens string }{
			{"liar", ""}, {"liar", `"max_tokens":50,`}, {"boaster", ""}, {"boaster", `"max_tokens":50,`},
		} {
			for _, stream := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s %s stream=%v", tt.model, tt.maxTokens, stream), func(t *testing.T) {
					bob, treasury := balance(reward.MemberAccount(f.ids["bob"])), balance(reward.Treasury)
					body := `{"model":"` + tt.model + `",` + tt.maxTokens + `"stream":` + strconv.FormatBool(stream) + `,"messages":[{"role":"user","content":"How much notice do I give?"}]}`
					resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", body, nil)
					text := readBody(t, resp)
					if resp.StatusCode != 200 {
						t.Fatalf("call: %d %s", resp.StatusCode, text)
					}
					if stream {
						events := strings.Split(strings.TrimSpace(text), "\n\n")
						if len(events) < 2 {
							t.Fatalf("stream: %s", text)
						}
						text = strings.TrimPrefix(events[len(events)-2], "data: ")
					}
					var out struct {
						Usage struct {
							Prompt     int64 `json:"prompt_tokens"`
							Completion int64 `json:"completion_tokens"`
							Total      int64 `json:"total_tokens"`
						}
						Att struct{ Charge int64 } `json:"allmende_attribution"`
					}
					if err := json.Unmarshal([]byte(text), &out); err != nil {
						t.Fatalf("%v: %s", err, text)
					}
					// The cover: 10 per call, 1000 per 1k tokens of the
					// prompt estimate (7) plus max_tokens (1024 if unset).
					cover := int64(10 + 1031)
					if tt.maxTokens != "" {
						cover = 10 + 57
					}
					if out.Att.Charge < 10 || out.Att.Charge > cover {
						t.Fatalf("charge %d, want between the price per call and the cover %d", out.Att.Charge, cover)
					}
					if out.Usage.Prompt < 0 || out.Usage.Completion < 0 || out.Usage.Total < 0 || out.Usage.Total > cover {
						t.Fatalf("usage passed on unchecked: %+v", out.Usage)
					}
					if got := balance(reward.MemberAccount(f.ids["bob"])); got != bob-out.Att.Charge {
						t.Fatalf("bob's balance went from %d to %d for a charge of %d", bob, got, out.Att.Charge)
					}
					if got := balance(reward.Treasury); got < treasury {
						t.Fatalf("the treasury paid for a call: %d → %d", treasury, got)
					}
				})
			}
		}
	})
}

func TestProjectAmountsCannotOverflowBalances(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withRequester(t, f)
		project := func(slug, amounts string) string {
			return `{"slug":"` + slug + `","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick positive or negative.",
				"task_type":"text_classification","labels":["positive","negative"],"est_seconds":20,"review_hours":0,"redundancy":1,` + amounts + `}`
		}
		maxPay, maxBudget := strconv.FormatInt(points.MaxPrice, 10), strconv.FormatInt(points.MaxBudget, 10)
		runScenarios(t, f, []scenario{
			{name: "a budget at the int64 maximum", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "budget",
				body: project("huge-budget", `"pay_per_task":10,"budget":9223372036854775807`)},
			{name: "pay per task at the int64 maximum", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task",
				body: project("huge-pay", `"pay_per_task":9223372036854775807,"budget":9223372036854775807`)},
			{name: "one point above the budget limit", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "budget",
				body: project("huge-budget", `"pay_per_task":10,"budget":`+strconv.FormatInt(points.MaxBudget+1, 10))},
			{name: "one point above the pay limit", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task",
				body: project("huge-pay", `"pay_per_task":`+strconv.FormatInt(points.MaxPrice+1, 10)+`,"budget":`+maxBudget)},
			{name: "a budget beyond int64", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "budget",
				body: project("huge-budget", `"pay_per_task":10,"budget":99999999999999999999`)},
			{name: "a fractional pay", as: "rita", method: "POST", path: "/api/v1/projects", status: 422, errCode: "invalid", errField: "pay_per_task",
				body: project("huge-pay", `"pay_per_task":1e3,"budget":1000`)},
			{name: "nothing of the refused projects exists", as: "rita", method: "GET", path: "/api/v1/projects/huge-budget", status: 404, errCode: "not_found"},
			{name: "a project at the limits", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
				body: project("limits", `"pay_per_task":`+maxPay+`,"budget":`+maxBudget)},
			{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/limits/items", contentType: "application/x-ndjson",
				body: "{\"text\":\"Great shoes\"}\n{\"text\":\"Broke after a day\"}\n", status: 201},
			{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/limits/approve", status: 200},
		})
		for _, who := range []string{"ada", "bob"} {
			resp := f.do(who, "POST", "/api/v1/projects/limits/next", "application/json", "", nil)
			var task struct{ ID int64 }
			if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &task) != nil {
				t.Fatalf("%s next: %d %s", who, resp.StatusCode, body)
			}
			resp = f.do(who, "POST", "/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+"/submit", "application/json", `{"label":"positive"}`, nil)
			if body := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `"status": "paid"`) {
				t.Fatalf("%s submit: %d %s", who, resp.StatusCode, body)
			}
		}
		cookie := func(name string) http.Header { return http.Header{"Cookie": {"allmende_session=" + f.tokens[name]}} }
		for _, tt := range []struct {
			name, as, method, path string
			header                 http.Header
		}{
			{"ada's dashboard", "", "GET", "/dashboard", cookie("ada")},
			{"bob's dashboard", "", "GET", "/dashboard", cookie("bob")},
			{"ada's shares page", "", "GET", "/shares", cookie("ada")},
			{"ada's shares", "ada", "GET", "/api/v1/members/me/shares", nil},
			{"close the epoch", "stella", "POST", "/api/v1/epochs/close", nil},
			{"ada's shares after the close", "ada", "GET", "/api/v1/members/me/shares", nil},
			{"ada's earnings", "ada", "GET", "/api/v1/members/me/earnings", nil},
		} {
			resp := f.do(tt.as, tt.method, tt.path, "application/json", "", tt.header)
			if body := readBody(t, resp); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", tt.name, resp.StatusCode, body)
			}
		}
		ada, err := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["ada"]))
		if err != nil || ada != points.MaxPrice {
			t.Fatalf("ada holds %d (%v), want the pay per task %d", ada, err, points.MaxPrice)
		}
		shares, err := f.app.Reward.Balance(t.Context(), reward.SharesAccount(f.ids["ada"]))
		if err != nil || shares != points.MaxPrice/100 {
			t.Fatalf("ada's shares: %d (%v)", shares, err)
		}
	})
}

// TestModelFormNamesTheBadPrice: the page form refuses a price it cannot
// read or that is out of range, next to the field, and registers nothing.
func TestModelFormNamesTheBadPrice(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	cookie := http.Header{"Cookie": {"allmende_session=" + f.tokens["stella"]}}
	eur := points.DefaultCurrency
	for _, tt := range []struct{ perCall, per1k, want string }{
		{"0.10", "99999999999999999999", eur.Range(0, points.MaxPrice)},
		{"ten", "", "an amount in EUR such as 1.50"},
		{"0.10", "92233720368547758.07", eur.Range(0, points.MaxPrice)},
		{"10,000,000.01", "", eur.Range(0, points.MaxPrice)},
		{"-1", "", "not a negative amount"},
	} {
		form := "id=greedy&name=Greedy&kind=retrieval&datanets=tenancy&price_per_call=" + tt.perCall + "&price_per_1k_tokens=" + tt.per1k
		resp := f.do("", "POST", "/models", "application/x-www-form-urlencoded", form, cookie)
		body := readBody(t, resp)
		if resp.StatusCode != 422 || !strings.Contains(body, `class="field-error">`+tt.want) {
			t.Fatalf("%s, %s: %d, want 422 with %q", tt.perCall, tt.per1k, resp.StatusCode, tt.want)
		}
	}
	if _, err := f.app.Models.BySlug(t.Context(), "greedy"); err == nil {
		t.Fatal("a refused model was registered")
	}
}
