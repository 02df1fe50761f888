package model_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// fakeLLM is an OpenAI-compatible upstream that answers every call with
// answer and keeps what it was sent.
type fakeLLM struct {
	answer string
	mu     sync.Mutex
	bodies []map[string]any
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.URL.Path != "/v1/chat/completions" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": f.answer}}},
		"usage":   map[string]int{"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130},
	})
}

func (f *fakeLLM) last(t *testing.T) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) == 0 {
		t.Fatal("the upstream was not called")
	}
	return f.bodies[len(f.bodies)-1]
}

// prompt is the text of all messages the upstream was sent.
func prompt(body map[string]any) string {
	var b strings.Builder
	msgs, _ := body["messages"].([]any)
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		c, _ := mm["content"].(string)
		b.WriteString(c + "\n")
	}
	return b.String()
}

// carolParaphrase retells carol's record in other words: no stretch of
// model.MinSpan characters in common, so the verbatim trace finds nothing.
const carolParaphrase = "Your landlord has to fix a heater that broke and bear the cost. When the heating fails during winter, tenants are allowed to pay reduced rent."

// An assistant over a datanet puts the records that match the question
// into the prompt, and its answer — a paraphrase of one of them — pays
// that record's contributor by the contribution measure, in one split;
// the other record the prompt held, unrelated to the answer, is not paid.
func TestAssistantPaysTheRecordItsAnswerParaphrases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		up := &fakeLLM{answer: carolParaphrase}
		srv := httptest.NewServer(up)
		defer srv.Close()
		m := llm("tenancy-helper", srv.URL+"/v1")
		m.PricePerCall = 100
		m.Assistant = &model.Assistant{Context: 3}
		if _, err := e.s.Create(ctx, e.as("stella"), m); err != nil {
			t.Fatal(err)
		}
		before := map[string]int64{}
		for _, who := range []string{"ada", "bob", "carol"} {
			before[who] = e.balance(t, "member:m-"+who)
		}
		req := ask("The heating boiler is broken and my landlord will not pay. Who pays for the repair?")
		res, err := e.s.Complete(ctx, e.client(), req, nil)
		if err != nil {
			t.Fatal(err)
		}
		body := up.last(t)
		p := prompt(body)
		// Carol's record (heating, boiler) and ada's (landlord) match the
		// question; bob's shares no word with it.
		if !strings.Contains(p, records["carol"][1]) || !strings.Contains(p, records["ada"][1]) || strings.Contains(p, records["bob"][1]) {
			t.Fatalf("the prompt holds the wrong records:\n%s", p)
		}
		if body["model"] != "llama3" || body["max_tokens"] != float64(1024) {
			t.Fatalf("upstream asked for model %v, max_tokens %v", body["model"], body["max_tokens"])
		}
		att := res.Attribution
		for _, sp := range att.Spans {
			if len(sp.Records) > 0 {
				t.Fatalf("the paraphrase was traced verbatim: %+v", sp)
			}
		}
		if len(att.Records) != 1 || att.Records[0].ID != e.recs["carol"] || att.Records[0].Amount <= 0 || att.EventID == "" {
			t.Fatalf("attribution %+v, want carol's record alone paid", att)
		}
		if got := e.balance(t, "member:m-carol") - before["carol"]; got != att.Records[0].Amount || got != att.Shares.Contributors {
			t.Fatalf("carol earned %d, the attribution says %d of %d", got, att.Records[0].Amount, att.Shares.Contributors)
		}
		for _, who := range []string{"ada", "bob"} {
			if got := e.balance(t, "member:m-"+who); got != before[who] {
				t.Fatalf("%s was paid %d for a record the answer owes nothing", who, got-before[who])
			}
		}
		var splits int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = 'reward.split'`).Scan(&splits); err != nil {
			t.Fatal(err)
		}
		if splits != 1 {
			t.Fatalf("%d reward.split events for one call", splits)
		}
		// An erased record leaves the prompt and the pay at once.
		if err := e.d.Erase(ctx, e.ids["carol"], e.recs["carol"]); err != nil {
			t.Fatal(err)
		}
		res, err = e.s.Complete(ctx, e.client(), req, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(prompt(up.last(t)), records["carol"][1]) || len(res.Attribution.Records) != 0 {
			t.Fatalf("the erased record was used: %+v", res.Attribution)
		}
	})
}

// A LoRA upstream (vLLM, LoRAX) is sent the adapter's name as "model";
// its answers pay the records of the datanet version the adapter was
// trained on, and not a record accepted after that version, however
// well it matches.
func TestLoRAUpstreamIsAskedForTheAdapterAndPaysItsVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		v, err := e.d.CreateVersion(ctx, e.as("stella"), "tenancy")
		if err != nil {
			t.Fatal(err)
		}
		// Rita contributes after the version: the adapter never saw it.
		if _, err := e.d.ConsentAction(ctx, e.ids["rita"], "tenancy", "grant"); err != nil {
			t.Fatal(err)
		}
		d, _ := e.d.BySlug(ctx, "tenancy")
		js, _ := json.Marshal(map[string]string{"question": "Is the landlord responsible when the heater breaks?", "answer": "A broken heater is fixed by the landlord, who pays for it, and rent may be reduced in winter."})
		sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(js)))
		if err != nil {
			t.Fatal(err)
		}
		late, err := e.d.Contribute(ctx, e.ids["rita"], "tenancy", sub, datanet.IntakeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Were it in the version, the answer would pay it too.
		if w := model.Contributions(carolParaphrase, []string{records["carol"][0] + "\n" + records["carol"][1], "Is the landlord responsible when the heater breaks?\nA broken heater is fixed by the landlord, who pays for it, and rent may be reduced in winter."}); w[1] <= 0 {
			t.Fatalf("the late record owes nothing to the answer (%v): the test proves nothing", w)
		}
		up := &fakeLLM{answer: carolParaphrase}
		srv := httptest.NewServer(up)
		defer srv.Close()
		m := llm("tenancy-lora", srv.URL+"/v1")
		m.UpstreamModel = "meta-llama/Llama-3.1-8B-Instruct"
		m.Assistant = &model.Assistant{Adapter: "tenancy-v1", TrainedOn: &model.VersionRef{Datanet: "tenancy", Version: v.Number}}
		got, err := e.s.Create(ctx, e.as("rita"), m)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assistant == nil || got.Assistant.TrainedOn == nil || got.Assistant.TrainedOn.Commitment != v.Commitment || got.Assistant.Adapter != "tenancy-v1" {
			t.Fatalf("stored %+v", got.Assistant)
		}
		res, err := e.s.Complete(ctx, e.client(), model.Request{Model: "tenancy-lora", Messages: []model.Message{{Role: "user", Content: "Who pays when my heating boiler breaks?"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		body := up.last(t)
		if body["model"] != "tenancy-v1" {
			t.Fatalf("the upstream was asked for model %v, not the adapter", body["model"])
		}
		if msgs := body["messages"].([]any); len(msgs) != 1 {
			t.Fatalf("an adapter without context records got %d messages", len(msgs))
		}
		att := res.Attribution
		var paid []string
		for _, r := range att.Records {
			paid = append(paid, r.ID)
			if r.ID == late.Outcomes[0].Contribution {
				t.Fatalf("a record accepted after the version was paid: %+v", att)
			}
		}
		if len(att.Records) == 0 || att.Records[0].ID != e.recs["carol"] || att.Records[0].Amount <= 0 {
			t.Fatalf("paid %v, want carol's record first", paid)
		}
	})
}

// Registration refuses what is not an assistant, naming the field.
func TestAssistantRegistrationNamesTheBadField(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for _, c := range []struct {
		name  string
		edit  func(*model.Model)
		field string
	}{
		{"too many records", func(m *model.Model) { m.Assistant = &model.Assistant{Context: model.MaxContextRecords + 1} }, "context_records"},
		{"negative records", func(m *model.Model) { m.Assistant = &model.Assistant{Context: -1} }, "context_records"},
		{"nothing to do", func(m *model.Model) { m.Assistant = &model.Assistant{} }, "context_records"},
		{"retrieval kind", func(m *model.Model) {
			m.Kind, m.UpstreamURL, m.UpstreamModel = model.Retrieval, "", ""
			m.Assistant = &model.Assistant{Context: 2}
		}, "assistant"},
		{"version without adapter", func(m *model.Model) {
			m.Assistant = &model.Assistant{TrainedOn: &model.VersionRef{Datanet: "tenancy", Version: 1}}
		}, "adapter"},
		{"version of another datanet", func(m *model.Model) {
			m.Assistant = &model.Assistant{Adapter: "a", TrainedOn: &model.VersionRef{Datanet: "other", Version: 1}}
		}, "trained_on"},
		{"no such version", func(m *model.Model) {
			m.Assistant = &model.Assistant{Adapter: "a", TrainedOn: &model.VersionRef{Datanet: "tenancy", Version: 7}}
		}, "trained_on"},
		{"control character in adapter", func(m *model.Model) { m.Assistant = &model.Assistant{Context: 1, Adapter: "a\x07"} }, "adapter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := llm("bad", "http://127.0.0.1:1/v1")
			c.edit(&m)
			_, err := e.s.Create(t.Context(), e.as("stella"), m)
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields[c.field] == "" {
				t.Fatalf("%v (fields %v), want a refusal naming %s", err, p, c.field)
			}
		})
	}
}

// A streamed answer is weighed when the stream ends, as a whole answer
// is: the paraphrased record is paid, in the split the stream's last
// chunk reports.
func TestAssistantStreamedAnswerPaysItsSource(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	var sawSystem bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Messages []model.Message `json:"messages"`
			Stream   bool            `json:"stream"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		sawSystem = len(body.Messages) == 2 && body.Messages[0].Role == "system" && strings.Contains(body.Messages[0].Content, records["carol"][1])
		w.Header().Set("Content-Type", "text/event-stream")
		half := len(carolParaphrase) / 2
		for _, part := range []string{carolParaphrase[:half], carolParaphrase[half:]} {
			chunk, _ := json.Marshal(map[string]any{"choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": part}}}})
			w.Write([]byte("data: " + string(chunk) + "\n\n"))
		}
		w.Write([]byte("data: [DONE]\n\n"))
	}))
	defer srv.Close()
	m := llm("tenancy-helper", srv.URL+"/v1")
	m.Assistant = &model.Assistant{Context: 2}
	if _, err := e.s.Create(t.Context(), e.as("stella"), m); err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	res, err := e.s.Complete(t.Context(), e.client(), ask("Who pays for a broken heating boiler?"), func(chunk []byte) error {
		streamed.Write(chunk)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawSystem || res.Text != carolParaphrase || streamed.Len() == 0 {
		t.Fatalf("system message %v, text %q", sawSystem, res.Text)
	}
	if att := res.Attribution; len(att.Records) != 1 || att.Records[0].ID != e.recs["carol"] || att.Records[0].Amount <= 0 {
		t.Fatalf("attribution %+v", att)
	}
}
