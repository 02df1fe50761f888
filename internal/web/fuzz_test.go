package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
)

// FuzzAPIBodies throws arbitrary bodies at the endpoints that parse JSON
// from strangers. Whatever comes in, the answer is never a server error,
// and every refusal is in the API's one error shape.
func FuzzAPIBodies(f *testing.F) {
	for _, seed := range []string{
		`{"code":"AAAA-BBBB-CCCC-DDDD","email":"a@example.org","name":"A","password":"0123456789"}`,
		`{"email":"ada@example.org","password":"x"}`,
		`{"name":5}`, `[]`, `null`, `{"a":{"b":[1,2,{"c":null}]}}`, `{"email":"\ud800"}`, "{\"email\":\"\xff\"}", `{} {}`, ``,
	} {
		f.Add(seed, uint8(0))
		f.Add(seed, uint8(1))
	}
	fx := newFixture(f, store.SQLite)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := []string{"/api/v1/signup", "/api/v1/sessions"}[which%2]
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		fx.app.Web.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			apiErrorShape(t, rec.Body.String())
		}
	})
}

// FuzzChatCompletions throws arbitrary bodies at the OpenAI-compatible
// endpoint, as a paying client: never a server error, every refusal in the
// error shape, every answer JSON.
func FuzzChatCompletions(f *testing.F) {
	for _, seed := range []string{
		`{"model":"helper","messages":[{"role":"user","content":"notice period?"}]}`,
		`{"model":"helper","stream":true,"messages":[{"role":"user","content":"repairs"}]}`,
		`{"model":"helper","max_tokens":-1,"messages":[{"role":"user","content":"x"}]}`,
		`{"model":"helper","messages":[{"content":"x"}],"temperature":"hot"}`,
		`{"model":5}`, `[]`, `null`, `{"messages":null}`, "{\"model\":\"\xff\"}", ``,
	} {
		f.Add(seed)
	}
	fx := newFixture(f, store.SQLite)
	withDatanets(f, fx)
	ctx := f.Context()
	stella := mustMember(f, fx, "stella")
	if _, err := fx.app.Models.Create(ctx, stella, model.Model{Slug: "helper", Name: "Helper", Kind: model.Retrieval, PricePerCall: 1, Datanets: []string{"tenancy"}}); err != nil {
		f.Fatal(err)
	}
	key, _, err := fx.app.Models.CreateKey(ctx, stella.ID, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := fx.app.Models.Deposit(ctx, stella, stella.PublicID, 100_000_000); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		fx.app.Web.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("%q: status %d: %s", body, rec.Code, rec.Body)
		case rec.Code >= 400:
			apiErrorShape(t, rec.Body.String())
		case strings.HasPrefix(rec.Header().Get("Content-Type"), "text/event-stream"):
			if !strings.HasSuffix(rec.Body.String(), "data: [DONE]\n\n") {
				t.Fatalf("%q: stream does not end: %s", body, rec.Body)
			}
		default:
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%q: answer is not JSON: %s", body, rec.Body)
			}
		}
	})
}

// FuzzRecordedWorkAPI throws arbitrary bodies at the endpoints of recorded
// work: a recording upload with the extension's key, publishing a verified
// recording, starting a run (as a member with no balance, so no run is
// ever replayed), and an appeal. Never a server error; every refusal in
// the error shape.
func FuzzRecordedWorkAPI(f *testing.F) {
	fx := newFixture(f, store.SQLite)
	fundTreasury(f, fx, 1_000_000)
	clientKey(f, fx, "ada")
	human := parcelRecording(f, fx.srv.URL, behavior.SynthHuman(behavior.SynthPeople(2, 1)[0], behavior.SynthNewTask(4), 4))
	resp := fx.do("ada", "POST", "/api/v1/recordings", "application/json", human, nil)
	var rec struct{ ID string }
	if body := readBody(f, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil {
		f.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	if resp := fx.do("ada", "POST", "/api/v1/recordings/"+rec.ID+"/publish", "application/json",
		`{"id":"track","title":"Track","description":"Tracks a parcel.","price_per_run":10}`, nil); resp.StatusCode != 201 {
		f.Fatalf("publish: %d %s", resp.StatusCode, readBody(f, resp))
	}
	for _, seed := range []string{
		human, `{"title":"x","steps":[{"type":"click"}]}`, `{"title":"x","steps":[{"type":"navigate","url":"javascript:alert(1)"}]}`,
		`{"id":"t2","title":"T","description":"d","price_per_run":-1}`, `{"id":"../x","title":"T","description":"d","price_per_run":1}`,
		`{"params":{"number":"1Z999AA10123456784"}}`, `{"params":{"number":5}}`, `{"params":null}`,
		`{"reason":"it was me"}`, `{"reason":""}`, `[]`, `null`, "{\"title\":\"\xff\"}", ``,
	} {
		for which := range uint8(4) {
			f.Add(seed, which)
		}
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path, auth := "/api/v1/recordings", fx.tokens["ada-key"]
		switch which % 4 {
		case 1:
			path, auth = "/api/v1/recordings/"+rec.ID+"/publish", fx.tokens["ada"]
		case 2:
			path, auth = "/api/v1/automations/track/runs", fx.tokens["bob"]
		case 3:
			path, auth = "/api/v1/recordings/"+rec.ID+"/appeal", fx.tokens["ada"]
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+auth)
		w := httptest.NewRecorder()
		fx.app.Web.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			apiErrorShape(t, w.Body.String())
		}
	})
}
