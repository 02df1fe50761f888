package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

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
