package web_test

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// FuzzAssistantRegistration sends a steward's model registrations with
// fuzzed assistant parts, and fuzzed export formats: every answer is a
// success or a refusal of the request, never a server error.
func FuzzAssistantRegistration(f *testing.F) {
	for _, seed := range []string{
		`{"context_records":3}`, `{"adapter":"a","trained_on":{"datanet":"tenancy","version":1}}`,
		`{"adapter":"a","trained_on":{"datanet":"tenancy","version":1,"commitment":"zz"}}`,
		`{"context_records":-1}`, `{"context_records":1e99}`, `{"trained_on":null}`, `null`, `[]`, `"x"`,
		`{"adapter":"\u0000"}`, `{"trained_on":{"datanet":"photos","version":-5}}`,
	} {
		f.Add(seed, "chat")
	}
	f.Add(`{}`, "alpaca\r\nX: y")
	f.Add(`{}`, `"; filename=x`)
	fx := newFixture(f, store.SQLite)
	withDatanets(f, fx)
	for _, c := range [][3]string{
		{"ada", "/api/v1/datanets/tenancy/consent", `{"action":"grant"}`},
		{"ada", "/api/v1/datanets/tenancy/contributions", `{"question":"How long is the notice period?","answer":"Three months to the end of a calendar month."}`},
	} {
		if resp := fx.do(c[0], "POST", c[1], "application/json", c[2], nil); resp.StatusCode >= 300 {
			f.Fatalf("%s: %d %s", c[1], resp.StatusCode, readBody(f, resp))
		}
	}
	if resp := fx.do("stella", "POST", "/api/v1/datanets/tenancy/versions", "application/json", "", nil); resp.StatusCode != 201 {
		f.Fatalf("version: %d %s", resp.StatusCode, readBody(f, resp))
	}
	n := 0
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+fx.tokens["stella"])
		rec := httptest.NewRecorder()
		fx.app.Web.ServeHTTP(rec, req)
		return rec
	}
	f.Fuzz(func(t *testing.T, assistant, format string) {
		n++
		body := `{"id":"fz-` + strconv.Itoa(n) + `","name":"F","kind":"openai","upstream_url":"http://127.0.0.1:9/v1","upstream_model":"m","price_per_call":1,"datanets":["tenancy"],"assistant":` + assistant + `}`
		rec := serve("POST", "/api/v1/models", body)
		switch rec.Code {
		case 201:
		case 400, 409, 422:
			apiErrorShape(t, rec.Body.String())
		default:
			t.Fatalf("register with assistant %q: %d %s", assistant, rec.Code, rec.Body)
		}
		rec = serve("GET", "/api/v1/datanets/tenancy/versions/1/export?format="+url.QueryEscape(format), "")
		switch rec.Code {
		case 200:
			if rec.Header().Get("Content-Type") != "application/zip" || strings.ContainsAny(rec.Header().Get("Content-Disposition"), "\r\n") {
				t.Fatalf("format %q: %v", format, rec.Header())
			}
		case 422:
			apiErrorShape(t, rec.Body.String())
		default:
			t.Fatalf("export as %q: %d %s", format, rec.Code, rec.Body)
		}
	})
}
