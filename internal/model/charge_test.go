package model_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func TestModelPricesHaveARange(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for i, tt := range []struct {
		perCall, per1k int64
		field          string // "" if accepted
	}{
		{100, 0, ""},
		{points.MaxPrice, points.MaxPrice, ""},
		{points.MaxPrice + 1, 0, "price_per_call"},
		{0, points.MaxPrice + 1, "price_per_1k_tokens"},
		{1, math.MaxInt64, "price_per_1k_tokens"},
		{math.MaxInt64, 0, "price_per_call"},
		{-1, 10, "price_per_call"},
		{10, -1, "price_per_1k_tokens"},
		{math.MinInt64, math.MinInt64, "price_per_1k_tokens"},
	} {
		_, err := e.s.Create(t.Context(), e.as("stella"), model.Model{Slug: fmt.Sprintf("m%d", i), Name: "M", Kind: model.Retrieval,
			PricePerCall: tt.perCall, PricePer1kTokens: tt.per1k, Datanets: []string{"tenancy"}})
		if tt.field == "" {
			if err != nil {
				t.Errorf("%d, %d: %v", tt.perCall, tt.per1k, err)
			}
			continue
		}
		if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields[tt.field] == "" {
			t.Errorf("%d, %d: %v, want invalid %s", tt.perCall, tt.per1k, err, tt.field)
		}
	}
}

// usageStub is an upstream that reports whatever usage it is told to.
func usageStub(t *testing.T, usage *string, calls *atomic.Int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct{ Stream bool }
		json.NewDecoder(r.Body).Decode(&req)
		if req.Stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Three months.\"}}],\"usage\":%s}\n\ndata: [DONE]\n\n", *usage)
			return
		}
		fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","content":"Three months."}}],"usage":%s}`, *usage)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestUpstreamUsageIsClamped: an upstream reports usage, and the caller
// pays for it; a report below zero or beyond what the request allowed
// (the prompt estimate plus max_tokens) must neither pay the caller nor
// charge beyond the cover.
func TestUpstreamUsageIsClamped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		var usage string
		var calls atomic.Int64
		srv := usageStub(t, &usage, &calls)
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "m",
			PricePerCall: 10, PricePer1kTokens: 1000, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		// "How long is the notice?" is 23 characters: a prompt estimate of
		// 6 tokens; "Three months." 4.
		const prompt = "How long is the notice?"
		for _, tt := range []struct {
			usage     string
			maxTokens int
			charge    int64
		}{
			{`{"prompt_tokens":-1000,"completion_tokens":0,"total_tokens":-1000}`, 0, 10 + 10},  // below zero: the estimate
			{`{"prompt_tokens":-1000,"completion_tokens":0,"total_tokens":-1000}`, 50, 10 + 10}, // the same with max_tokens
			{`{"prompt_tokens":0,"completion_tokens":0,"total_tokens":-9223372036854775808}`, 0, 20},
			{`{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}`, 0, 10 + 10}, // believed
			{`{"total_tokens":9223372036854775807}`, 0, 10 + 1030},                      // the cover: 6 + 1024 tokens
			{`{"total_tokens":9223372036854775807}`, 50, 10 + 56},                       // the cover: 6 + 50 tokens
			{`{"prompt_tokens":9000000000000000000,"completion_tokens":9000000000000000000,"total_tokens":57}`, 50, 10 + 56},
			{`{"total_tokens":1000000}`, points.MaxTokens, 10 + 1000000}, // at the limit
			{`null`, 0, 20},
		} {
			for _, stream := range []bool{false, true} {
				usage = tt.usage
				client, treasury := e.balance(t, "member:m-rita"), e.balance(t, reward.Treasury)
				req := ask(prompt)
				req.MaxTokens, req.Stream = tt.maxTokens, stream
				var emit func([]byte) error
				if stream {
					emit = func([]byte) error { return nil }
				}
				if tt.maxTokens == points.MaxTokens {
					if _, err := e.s.Deposit(ctx, e.as("stella"), "m-rita", 1_000_010); err != nil {
						t.Fatal(err)
					}
					client += 1_000_010
				}
				res, err := e.s.Complete(ctx, e.client(), req, emit)
				if err != nil {
					t.Fatalf("%s: %v", tt.usage, err)
				}
				u := res.Usage
				if res.Attribution.Charge != tt.charge || u.TotalTokens < 0 || u.PromptTokens < 0 || u.CompletionTokens < 0 {
					t.Errorf("usage %s, max_tokens %d, stream %v: charge %d, usage %+v; want charge %d", tt.usage, tt.maxTokens, stream, res.Attribution.Charge, u, tt.charge)
				}
				if got := e.balance(t, "member:m-rita"); got != client-res.Attribution.Charge {
					t.Fatalf("%s: the client went from %d to %d for a charge of %d", tt.usage, client, got, res.Attribution.Charge)
				}
				if got := e.balance(t, reward.Treasury); got < treasury {
					t.Fatalf("%s: the treasury paid for a call: %d → %d", tt.usage, treasury, got)
				}
			}
		}
		// max_tokens has a range too; nothing is forwarded beyond it.
		before := calls.Load()
		for _, n := range []int{-1, points.MaxTokens + 1, math.MaxInt} {
			req := ask(prompt)
			req.MaxTokens = n
			if _, err := e.s.Complete(ctx, e.client(), req, nil); !problem.Is(err, problem.Invalid) {
				t.Errorf("max_tokens %d: %v", n, err)
			} else if p, _ := problem.As(err); p.Fields["max_tokens"] == "" {
				t.Errorf("max_tokens %d: the error does not name the field: %v", n, err)
			}
		}
		if calls.Load() != before {
			t.Fatal("a request with max_tokens out of range was forwarded")
		}
	})
}

// TestStoredPriceOutOfRangeIsNotCharged: a model registered before prices
// had a range may hold one near the int64 maximum, whose price times the
// tokens used to wrap to a negative charge that paid the caller. Such a
// model is refused at call time: nothing is forwarded, charged or paid.
func TestStoredPriceOutOfRangeIsNotCharged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		usage := `{"total_tokens":50}`
		var calls atomic.Int64
		srv := usageStub(t, &usage, &calls)
		if _, err := e.s.Create(ctx, e.as("stella"), model.Model{Slug: "tenancy-helper", Name: "LLM", Kind: model.OpenAI, UpstreamURL: srv.URL + "/v1", UpstreamModel: "m",
			PricePerCall: 1, PricePer1kTokens: 1, Datanets: []string{"tenancy"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE models SET price_per_1k_tokens = $1`, int64(math.MaxInt64))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		client, treasury := e.balance(t, "member:m-rita"), e.balance(t, reward.Treasury)
		_, err := e.s.Complete(ctx, e.client(), ask("How long is the notice?"), nil)
		if err == nil {
			t.Fatal("a call at an overflowing price went through")
		}
		if calls.Load() != 0 {
			t.Fatal("the call was forwarded")
		}
		if e.balance(t, "member:m-rita") != client || e.balance(t, reward.Treasury) != treasury {
			t.Fatal("money moved")
		}
	})
}

// bodyStub is an upstream that records the body of each request it gets
// and answers with one choice, or streams the chunks it is given.
func bodyStub(t *testing.T, chunks []string) (*httptest.Server, func() []map[string]any) {
	t.Helper()
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("the upstream got a body that is not JSON: %v", err)
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		if body["stream"] == true {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, c := range chunks {
				fmt.Fprintf(w, "data: %s\n\n", c)
			}
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
		fmt.Fprint(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"Three months."}}],"usage":{"total_tokens":10}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(bodies)
	}
}

// TestUpstreamIsAskedForWhatTheCoverPays: the cover is reserved for one
// answer of at most max_tokens (1,024 when the request names none), so
// the upstream is always told that bound, and a request for more than
// one answer (n, best_of) is refused before anything is forwarded:
// otherwise the upstream could write 128 answers, or one of any length,
// for the price of one of 1,024 tokens.
func TestUpstreamIsAskedForWhatTheCoverPays(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	srv, bodies := bodyStub(t, []string{`{"choices":[{"index":0,"delta":{"content":"Three months."}}]}`})
	if _, err := e.s.Create(ctx, e.as("stella"), llm("tenancy-helper", srv.URL+"/v1")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		maxTokens int
		extra     map[string]any
		want      float64 // max_tokens the upstream must get
	}{
		{"no bound", 0, nil, 1024},
		{"a bound", 50, nil, 50},
		{"n of 1", 0, map[string]any{"n": float64(1), "temperature": 0.2}, 1024},
		{"n null", 7, map[string]any{"n": nil}, 7},
		{"max_completion_tokens among the others", 50, map[string]any{"max_completion_tokens": float64(900000), "max_tokens": float64(900000)}, 50},
	} {
		for _, stream := range []bool{false, true} {
			req := ask("How long is the notice?")
			req.MaxTokens, req.Extra = tt.maxTokens, tt.extra
			var emit func([]byte) error
			if stream {
				emit = func([]byte) error { return nil }
			}
			before := len(bodies())
			if _, err := e.s.Complete(ctx, e.client(), req, emit); err != nil {
				t.Fatalf("%s, stream %v: %v", tt.name, stream, err)
			}
			got := bodies()
			if len(got) != before+1 {
				t.Fatalf("%s: the upstream got %d requests", tt.name, len(got)-before)
			}
			body := got[len(got)-1]
			if body["max_tokens"] != tt.want {
				t.Errorf("%s, stream %v: the upstream was sent max_tokens %v, want %v (body %v)", tt.name, stream, body["max_tokens"], tt.want, body)
			}
			if n, ok := body["n"]; ok && n != float64(1) {
				t.Errorf("%s: the upstream was sent n %v", tt.name, n)
			}
			for _, k := range []string{"best_of", "max_completion_tokens"} {
				if v, ok := body[k]; ok {
					t.Errorf("%s: the upstream was sent %s %v", tt.name, k, v)
				}
			}
			if tt.extra["temperature"] != nil && body["temperature"] != tt.extra["temperature"] {
				t.Errorf("%s: temperature was not passed through: %v", tt.name, body)
			}
		}
	}
	before, balance := len(bodies()), e.balance(t, "member:m-rita")
	for _, tt := range []struct {
		field string
		value any
	}{
		{"n", float64(128)},
		{"n", float64(2)},
		{"n", float64(0)},
		{"n", "1"},
		{"best_of", float64(4)},
	} {
		req := ask("How long is the notice?")
		req.Extra = map[string]any{tt.field: tt.value}
		_, err := e.s.Complete(ctx, e.client(), req, nil)
		if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields[tt.field] == "" {
			t.Errorf("%s %v: %v, want invalid naming %s", tt.field, tt.value, err, tt.field)
		}
	}
	if len(bodies()) != before || e.balance(t, "member:m-rita") != balance {
		t.Fatal("a request for more than one answer was forwarded or charged")
	}
}

// TestStreamedSecondChoiceIsIgnored: an upstream that streams a second
// choice (index 1) beside the first does not get its text into the
// answer, its attribution or the client's stream: the call paid for one
// answer. Glued together, the second choice's words used to be traced to
// the records they quote and paid as if they were the answer.
func TestStreamedSecondChoiceIsIgnored(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	first, second := "Ask a tenants' association.", records["carol"][1]
	chunk := func(parts ...string) string {
		var cs []map[string]any
		for i, p := range parts {
			if p != "" {
				cs = append(cs, map[string]any{"index": i, "delta": map[string]string{"content": p}})
			}
		}
		b, _ := json.Marshal(map[string]any{"choices": cs})
		return string(b)
	}
	srv, _ := bodyStub(t, []string{chunk(first, second[:40]), chunk("", second[40:])})
	if _, err := e.s.Create(ctx, e.as("stella"), llm("tenancy-helper", srv.URL+"/v1")); err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	res, err := e.s.Complete(ctx, e.client(), ask("Who pays for the boiler?"), func(b []byte) error { streamed.Write(b); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != first {
		t.Fatalf("answer %q, want only the first choice %q", res.Text, first)
	}
	for _, r := range res.Attribution.Records {
		if r.ID == e.recs["carol"] {
			t.Fatalf("the second choice's text was attributed to carol's record: %+v", res.Attribution)
		}
	}
	if strings.Contains(streamed.String(), second[:20]) || strings.Contains(streamed.String(), second[45:60]) {
		t.Fatalf("the second choice reached the client: %s", streamed.String())
	}
	if !strings.Contains(streamed.String(), first) {
		t.Fatalf("the first choice did not reach the client: %s", streamed.String())
	}
}

// TestPointsAreShownInCurrencyUnits: messages about balances show points
// as currency units with two decimals, negative amounts included (a
// balance with more reserved than it holds used to read "-1.-50").
func TestPointsAreShownInCurrencyUnits(t *testing.T) {
	for p, want := range map[int64]string{
		0: "0.00", 5: "0.05", 150: "1.50", 100000: "1000.00",
		-5: "-0.05", -150: "-1.50", -100: "-1.00",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08",
	} {
		if got := model.Points(p); got != want {
			t.Errorf("%d points show as %q, want %q", p, got, want)
		}
	}
}
