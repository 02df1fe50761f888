package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// A steward makes a version of a datanet and downloads it for a
// fine-tuning trainer; members may not; bad formats and versions are
// refused naming the field. A builder then registers a LoRA adapter
// trained on that version: calls ask the upstream for the adapter, and
// allmende_attribution names the record the answer paraphrases.
func TestFineTuneExportAndLoRAUpstreamThroughTheAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withModelData(t, f)
		clientKey(t, f, "bob")
		var asked []string
		up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Model string `json:"model"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			asked = append(asked, body.Model)
			w.Header().Set("Content-Type", "application/json")
			// A paraphrase of ada's record on notice periods.
			io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"Renters can end the lease by giving three months of notice, ending on the last day of a calendar month, no matter what the contract states."}}]}`)
		}))
		defer up.Close()
		lora := func(id, trained string) string {
			return `{"id":"` + id + `","name":"Tenancy LoRA","kind":"openai","upstream_url":"` + up.URL + `/v1","upstream_model":"base","price_per_call":100,"datanets":["tenancy"],
				"assistant":{"adapter":"tenancy-v1","trained_on":` + trained + `}}`
		}
		runScenarios(t, f, []scenario{
			{name: "members make no versions", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/versions", status: 403, errCode: "forbidden"},
			{name: "no versions yet", as: "ada", method: "GET", path: "/api/v1/datanets/tenancy/versions", status: 200, contains: []string{`"versions": []`}},
			{name: "a steward makes one", as: "stella", method: "POST", path: "/api/v1/datanets/tenancy/versions", status: 201, contains: []string{`"number": 1`, `"records": 2`, `"commitment": "`}},
			{name: "image datanets have no fine-tuning versions", as: "stella", method: "POST", path: "/api/v1/datanets/photos/versions", status: 422, errCode: "invalid", errField: "datanet"},
			{name: "it is listed", as: "ada", method: "GET", path: "/api/v1/datanets/tenancy/versions", status: 200, contains: []string{`"number": 1`}},
			{name: "members export nothing", as: "ada", method: "GET", path: "/api/v1/datanets/tenancy/versions/1/export?format=chat", status: 403, errCode: "forbidden"},
			{name: "unknown format", as: "stella", method: "GET", path: "/api/v1/datanets/tenancy/versions/1/export?format=parquet", status: 422, errCode: "invalid", errField: "format"},
			{name: "unknown version", as: "stella", method: "GET", path: "/api/v1/datanets/tenancy/versions/7/export?format=chat", status: 404, errCode: "not_found"},
			{name: "not a version number", as: "stella", method: "GET", path: "/api/v1/datanets/tenancy/versions/x/export?format=chat", status: 404, errCode: "not_found"},
			{name: "a LoRA on an unknown version", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "trained_on",
				body: lora("lora-x", `{"datanet":"tenancy","version":3}`)},
			{name: "a LoRA with a wrong commitment", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "trained_on",
				body: lora("lora-y", `{"datanet":"tenancy","version":1,"commitment":"00"}`)},
			{name: "too many context records", as: "stella", method: "POST", path: "/api/v1/models", status: 422, errCode: "invalid", errField: "context_records",
				body: `{"id":"ctx","name":"C","kind":"openai","upstream_url":"` + up.URL + `/v1","upstream_model":"m","price_per_call":1,"datanets":["tenancy"],"assistant":{"context_records":99}}`},
			{name: "register the LoRA", as: "stella", method: "POST", path: "/api/v1/models", status: 201, contains: []string{`"adapter": "tenancy-v1"`, `"version": 1`},
				body: lora("tenancy-lora", `{"datanet":"tenancy","version":1}`)},
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		})
		resp := f.do("stella", "GET", "/api/v1/datanets/tenancy/versions/1/export?format=sharegpt", "", "", nil)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("export: %d %s", resp.StatusCode, body)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			got[zf.Name] = string(b)
		}
		data := got["tenancy-v1-sharegpt.jsonl"]
		lines := strings.Split(strings.TrimSpace(data), "\n")
		if len(lines) != 2 || got["manifest.json"] == "" || !strings.Contains(got["dataset_info.json"], `"formatting": "sharegpt"`) {
			t.Fatalf("zip holds %v", got)
		}
		for _, l := range lines {
			var line struct {
				Conversations []struct{ From, Value string } `json:"conversations"`
			}
			if err := json.Unmarshal([]byte(l), &line); err != nil || len(line.Conversations) != 2 || line.Conversations[0].From != "human" || line.Conversations[1].From != "gpt" {
				t.Fatalf("line %s: %v", l, err)
			}
		}
		// The call asks for the adapter and pays ada's record.
		resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"tenancy-lora","messages":[{"role":"user","content":"What notice do tenants give?"}]}`, nil)
		body = readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("call: %d %s", resp.StatusCode, body)
		}
		if len(asked) != 1 || asked[0] != "tenancy-v1" {
			t.Fatalf("the upstream was asked for %v", asked)
		}
		var out struct {
			Attribution struct {
				Records []struct {
					ID     string
					Amount int64
				}
			} `json:"allmende_attribution"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Attribution.Records) != 1 || out.Attribution.Records[0].Amount <= 0 {
			t.Fatalf("attribution: %s", body)
		}
		if b, _ := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["ada"])); b != out.Attribution.Records[0].Amount {
			t.Fatalf("ada's balance %d, her record was paid %d", b, out.Attribution.Records[0].Amount)
		}
	})
}
