package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
)

// labelled are messages by topic: ada and bob contribute them in turn.
var labelled = map[string][]string{
	"heating": {"the radiator stays cold all day", "no hot water and the boiler shows an error", "the heating failed in the coldest week",
		"radiators in two rooms never warm up", "the boiler makes a loud bang and shuts off", "the thermostat is broken and the flat is freezing"},
	"deposit": {"the landlord keeps my deposit after moving out", "half of the security deposit was withheld for painting",
		"nobody says when the deposit comes back", "the agency deducted cleaning fees from the deposit", "the new owner denies receiving our deposit",
		"interest on the deposit was never paid"},
	"noise": {"the bar downstairs plays music until dawn", "a neighbour drills every sunday morning", "the dog next door barks for hours",
		"parties upstairs with shouting several nights", "construction noise starts at six every day", "loud television through the thin wall at midnight"},
}

// withLabelledData opens the text datanet "topics" with a topic field,
// fills it from ada and bob, and has stella register the model "router"
// on it. It returns who contributed each record.
func withLabelledData(t testing.TB, f *fixture) map[string]string {
	t.Helper()
	ctx := t.Context()
	d, err := f.app.Datanets.Create(ctx, mustMember(t, f, "stella"), datanet.Datanet{Slug: "topics", Name: "Tenants' messages", Domain: "legal aid",
		Client: "Tenants' Union", Purpose: "routing messages", Licence: "CC BY-SA 4.0", RecordKind: datanet.KindText, Fields: []string{"topic"}})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	batches := map[string]*strings.Builder{"ada": {}, "bob": {}}
	i := 0
	for _, topic := range []string{"heating", "deposit", "noise"} {
		for _, text := range labelled[topic] {
			line, _ := json.Marshal(map[string]any{"text": text, "fields": map[string]string{"topic": topic}})
			batches[[]string{"ada", "bob"}[i%2]].WriteString(string(line) + "\n")
			i++
		}
	}
	for who, b := range batches {
		m := mustMember(t, f, who)
		if _, err := f.app.Datanets.ConsentAction(ctx, m.ID, "topics", "grant"); err != nil {
			t.Fatal(err)
		}
		sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.app.Datanets.Contribute(ctx, m.ID, "topics", sub, datanet.IntakeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Outcomes {
			owner[o.Contribution] = who
		}
	}
	resp := f.do("stella", "POST", "/api/v1/models", "application/json", `{"id":"router","name":"Message router","kind":"retrieval","price_per_call":50,"datanets":["topics"]}`, nil)
	if body := readBody(t, resp); resp.StatusCode != 201 {
		t.Fatalf("register the router: %d %s", resp.StatusCode, body)
	}
	return owner
}

// waitVersion polls a version through the API until its training ends.
func waitVersion(t *testing.T, f *fixture, path string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp := f.do("stella", "GET", path, "", "", nil)
		body := readBody(t, resp)
		var v map[string]any
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &v) != nil {
			t.Fatalf("poll %s: %d %s", path, resp.StatusCode, body)
		}
		if s := v["status"]; s != "queued" && s != "training" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("the version is still %v after 30 s", v["status"])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestModelVersionsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		owner := withLabelledData(t, f)
		clientKey(t, f, "bob")
		predict := `{"inputs":"the boiler shows an error and the radiator stays cold"}`
		runScenarios(t, f, []scenario{
			{name: "members do not train others' models", as: "ada", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic"}`, status: 403, errCode: "forbidden"},
			{name: "an unknown kind", as: "stella", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic","kind":"forest"}`, status: 422, errCode: "invalid", errField: "kind"},
			{name: "a held-out share out of range", as: "stella", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic","held_out":0.9}`, status: 422, errCode: "invalid", errField: "held_out"},
			{name: "a datanet the model is not built on", as: "stella", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic","datanets":["tenancy"]}`, status: 422, errCode: "invalid", errField: "datanets"},
			{name: "no such model", as: "stella", method: "POST", path: "/api/v1/models/nope/versions", body: `{"label_field":"topic"}`, status: 404, errCode: "not_found"},
			{name: "no version to predict with yet", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 409, errCode: "conflict"},
			{name: "train", as: "stella", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic","kind":"linear","held_out":0,"epochs":20}`, status: 202,
				contains: []string{`"number": 1`, `"trained_by": "{stella}"`}},
		})
		v := waitVersion(t, f, "/api/v1/models/router/versions/1")
		met, _ := v["metrics"].(map[string]any)
		if v["status"] != "ready" || met["train"] != v["records"] || met["train"].(float64)+met["held_out"].(float64) != 18 || len(v["commitment"].(string)) != 64 {
			t.Fatalf("the trained version: %v", v)
		}
		runScenarios(t, f, []scenario{
			{name: "the versions list", as: "ada", method: "GET", path: "/api/v1/models/router/versions", status: 200, contains: []string{`"number": 1`, `"status": "ready"`, `"macro_f1"`}},
			{name: "no version 7", as: "ada", method: "GET", path: "/api/v1/models/router/versions/7", status: 404, errCode: "not_found"},
			{name: "not a number", as: "ada", method: "GET", path: "/api/v1/models/router/versions/x", status: 404, errCode: "not_found"},
			{name: "members do not publish", as: "ada", method: "POST", path: "/api/v1/models/router/versions/1/publish", status: 403, errCode: "forbidden"},
			{name: "publish", as: "stella", method: "POST", path: "/api/v1/models/router/versions/1/publish", status: 200, contains: []string{`"published": true`}},
			{name: "no key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 401, errCode: "unauthorized"},
			{name: "no balance, no prediction", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 402, errCode: "payment_required"},
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
			{name: "inputs of the wrong shape", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: `{"inputs":{"text":"x"}}`, status: 422, errCode: "invalid", errField: "inputs"},
			{name: "an empty text", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: `{"inputs":""}`, status: 422, errCode: "invalid", errField: "inputs"},
			{name: "too many texts", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: `{"inputs":[` + strings.Repeat(`"a",`, 32) + `"a"]}`, status: 422, errCode: "invalid", errField: "inputs"},
			{name: "one text", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 200, contains: []string{`"label": "heating"`}},
			{name: "two texts", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: `{"inputs":["the landlord never returned the deposit and kept the interest","the dog barks, the bar plays music and the parties upstairs go on with shouting every night"]}`, status: 200,
				contains: []string{`[
  [
    {
      "label": "deposit"`}},
		})
		// The Hugging Face shape, best label first, scores summing to 1.
		resp := f.do("bob-key", "POST", "/api/v1/models/router/predict", "application/json", predict, nil)
		body := readBody(t, resp)
		var scores []struct {
			Label string
			Score float64
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &scores) != nil || len(scores) != 3 || scores[0].Label != "heating" {
			t.Fatalf("predict: %d %s", resp.StatusCode, body)
		}
		sum := 0.0
		for _, s := range scores {
			sum += s.Score
		}
		if sum < 0.999 || sum > 1.001 {
			t.Fatalf("scores sum to %f", sum)
		}
		var atts []struct {
			Records []struct {
				ID     string
				Amount int64
			}
			EventID string `json:"event_id"`
		}
		if err := json.Unmarshal([]byte(resp.Header.Get("Allmende-Attribution")), &atts); err != nil || len(atts) != 1 || len(atts[0].Records) == 0 || atts[0].EventID == "" {
			t.Fatalf("the attribution header %q: %v", resp.Header.Get("Allmende-Attribution"), err)
		}

		// Chat completions: the content is the label, the scores and the
		// attribution beside it; the records paid are training records.
		resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"router","messages":[{"role":"user","content":"my deposit was kept by the landlord"}]}`, nil)
		body = readBody(t, resp)
		var out struct {
			Choices []struct{ Message struct{ Content string } }
			Scores  []struct{ Label string } `json:"allmende_scores"`
			Att     struct {
				Version int
				Records []struct {
					ID     string
					Amount int64
				}
				Shares struct{ Contributors int64 }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("chat: %d %s", resp.StatusCode, body)
		}
		if len(out.Choices) != 1 || out.Choices[0].Message.Content != "deposit" || len(out.Scores) != 3 || out.Att.Version != 1 || len(out.Att.Records) == 0 {
			t.Fatalf("chat answer %s", body)
		}
		var paid int64
		for _, r := range out.Att.Records {
			if owner[r.ID] == "" {
				t.Fatalf("paid %s, not a training record", r.ID)
			}
			paid += r.Amount
		}
		if paid != out.Att.Shares.Contributors || paid != 35 {
			t.Fatalf("records paid %d, contributors' share %d, want 35 of 50", paid, out.Att.Shares.Contributors)
		}
		// Streamed, the label comes as the content and the scores with
		// the attribution in the last chunk.
		resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"router","stream":true,"messages":[{"role":"user","content":"the dog barks, the bar plays music and the parties upstairs go on with shouting every night"}]}`, nil)
		body = readBody(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(body, `"content":"noise"`) || !strings.Contains(body, `"allmende_scores"`) || !strings.HasSuffix(strings.TrimSpace(body), "data: [DONE]") {
			t.Fatalf("stream: %d %s", resp.StatusCode, body)
		}
		runScenarios(t, f, []scenario{
			{name: "a second training", as: "stella", method: "POST", path: "/api/v1/models/router/versions", body: `{"label_field":"topic","kind":"knn","k":3}`, status: 202, contains: []string{`"number": 2`}},
		})
		waitVersion(t, f, "/api/v1/models/router/versions/2")
		runScenarios(t, f, []scenario{
			{name: "members do not delete", as: "ada", method: "DELETE", path: "/api/v1/models/router/versions/1", status: 403, errCode: "forbidden"},
			{name: "delete the published version", as: "stella", method: "DELETE", path: "/api/v1/models/router/versions/1", status: 204},
			{name: "its card stays", as: "ada", method: "GET", path: "/api/v1/models/router/versions/1", status: 200, contains: []string{`"status": "deleted"`, `"published": false`}},
			{name: "nothing published, nothing predicted", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 409, errCode: "conflict"},
			{name: "publish the kNN version", as: "stella", method: "POST", path: "/api/v1/models/router/versions/2/publish", status: 200},
			{name: "the kNN version answers", as: "bob-key", method: "POST", path: "/api/v1/models/router/predict", body: predict, status: 200, contains: []string{`"label": "heating"`}},
		})
	})
}
