package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web"
)

// scenario is one API request and what must come back. Path and body may
// use {ada}, {bob}, {stella} for public ids and {invite} for a fresh
// invitation code.
type scenario struct {
	name        string
	as          string // "" for anonymous
	method      string
	path        string
	body        string
	contentType string // default application/json
	header      http.Header
	status      int
	errCode     string   // if set, the body must be the error shape with this code
	errField    string   // ... naming this field
	contains    []string // substrings the body must have
	notContains []string // substrings it must not have
}

func runScenarios(t *testing.T, f *fixture, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ct := sc.contentType
			if ct == "" {
				ct = "application/json"
			}
			resp := f.do(sc.as, sc.method, f.expand(sc.path), ct, f.expand(sc.body), sc.header)
			body := readBody(t, resp)
			if resp.StatusCode != sc.status {
				t.Fatalf("%s %s: status %d, want %d; body: %s", sc.method, sc.path, resp.StatusCode, sc.status, body)
			}
			if sc.errCode != "" {
				code, fields := apiErrorShape(t, body)
				if code != sc.errCode {
					t.Fatalf("error code %q, want %q: %s", code, sc.errCode, body)
				}
				if sc.errField != "" && fields[sc.errField] == "" {
					t.Fatalf("error does not name field %q: %s", sc.errField, body)
				}
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, f.expand(s)) {
					t.Errorf("body lacks %q: %s", f.expand(s), body)
				}
			}
			for _, s := range sc.notContains {
				if strings.Contains(body, f.expand(s)) {
					t.Errorf("body must not contain %q: %s", f.expand(s), body)
				}
			}
		})
	}
}

func TestSignUpAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		runScenarios(t, f, []scenario{
			{name: "valid invitation", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"{invite}","email":"carol@example.org","name":"Carol","password":"a long enough password"}`,
				status: 201, contains: []string{`"email": "carol@example.org"`, `"role": "member"`, `"id": "m-`}, notContains: []string{"password"}},
			{name: "no invitation", method: "POST", path: "/api/v1/signup",
				body:   `{"email":"dan@example.org","name":"Dan","password":"a long enough password"}`,
				status: 422, errCode: "invalid", errField: "code"},
			{name: "unknown invitation", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"AAAA-BBBB-CCCC-DDDD","email":"dan@example.org","name":"Dan","password":"a long enough password"}`,
				status: 422, errCode: "invalid", errField: "code"},
			{name: "taken e-mail", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"{invite}","email":"ada@example.org","name":"Ada 2","password":"a long enough password"}`,
				status: 409, errCode: "conflict", errField: "email"},
			{name: "every bad field at once", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"{invite}","email":"nope","name":"","password":"short"}`,
				status: 422, errCode: "invalid", errField: "password", contains: []string{`"email"`, `"name"`}},
			{name: "unknown field", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"x","email":"e@example.org","name":"E","password":"a long enough password","admin":true}`,
				status: 422, errCode: "invalid", errField: "admin"},
			{name: "field of the wrong type", method: "POST", path: "/api/v1/signup",
				body:   `{"code":"x","email":"e@example.org","name":5,"password":"a long enough password"}`,
				status: 422, errCode: "invalid", errField: "name"},
			{name: "malformed JSON", method: "POST", path: "/api/v1/signup",
				body: `{"code":"x",`, status: 400, errCode: "bad_request"},
			{name: "syntax error names the byte", method: "POST", path: "/api/v1/signup",
				body: `{"code" "x"}`, status: 400, errCode: "bad_request", contains: []string{"byte 9"}},
			{name: "two JSON values", method: "POST", path: "/api/v1/signup",
				body: `{"code":"x"} {"code":"y"}`, status: 400, errCode: "bad_request"},
			{name: "empty body", method: "POST", path: "/api/v1/signup",
				body: ``, status: 400, errCode: "bad_request"},
			{name: "not an object", method: "POST", path: "/api/v1/signup",
				body: `[1,2]`, status: 400, errCode: "bad_request"},
			{name: "wrong content type", method: "POST", path: "/api/v1/signup", contentType: "text/plain",
				body: `{"code":"x"}`, status: 415, errCode: "unsupported"},
			{name: "oversized body", method: "POST", path: "/api/v1/signup",
				body: `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, status: 413, errCode: "too_large"},
		})
	})
}

func TestSessionsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		runScenarios(t, f, []scenario{
			{name: "sign in", method: "POST", path: "/api/v1/sessions", body: `{"email":"ada@example.org","password":"` + password + `"}`,
				status: 201, contains: []string{`"token"`, `"id": "{ada}"`}},
			{name: "wrong password", method: "POST", path: "/api/v1/sessions", body: `{"email":"bob@example.org","password":"wrong password!"}`,
				status: 401, errCode: "unauthorized"},
			{name: "unknown e-mail gives the same answer", method: "POST", path: "/api/v1/sessions", body: `{"email":"nobody@example.org","password":"wrong password!"}`,
				status: 401, errCode: "unauthorized", contains: []string{"the e-mail address or the password is wrong"}},
			{name: "me", as: "ada", method: "GET", path: "/api/v1/me", status: 200, contains: []string{`"email": "ada@example.org"`}},
			{name: "me without a session", method: "GET", path: "/api/v1/me", status: 401, errCode: "unauthorized"},
			{name: "sign out", as: "bob", method: "DELETE", path: "/api/v1/sessions/current", status: 204},
			{name: "token dead after sign-out", as: "bob", method: "GET", path: "/api/v1/me", status: 401, errCode: "unauthorized"},
			{name: "unknown endpoint", as: "ada", method: "GET", path: "/api/v1/nothing", status: 404, errCode: "not_found"},
		})
	})
}

func TestSignInIsRateLimited(t *testing.T) {
	f := newFixture(t, store.SQLite)
	var last *http.Response
	for i := range 7 {
		last = f.do("", "POST", "/api/v1/sessions", "application/json", `{"email":"ada@example.org","password":"guess number `+string(rune('a'+i))+`"}`, nil)
		if last.StatusCode == 429 {
			break
		}
		readBody(t, last)
	}
	body := readBody(t, last)
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after repeated wrong passwords: status %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if code, _ := apiErrorShape(t, body); code != "too_many" {
		t.Fatalf("code %q", code)
	}
	// Even the right password waits, from this address: the bucket
	// belongs to the account at the address (TestWrongPasswordsDoNotLockTheOwnerOut
	// shows the owner signs in from another).
	resp := f.do("", "POST", "/api/v1/sessions", "application/json", `{"email":"ada@example.org","password":"`+password+`"}`, nil)
	if resp.StatusCode != 429 {
		t.Fatalf("right password during lockout: %d", resp.StatusCode)
	}
	resp.Body.Close()
	// Another account from the same address is not locked out yet.
	resp = f.do("", "POST", "/api/v1/sessions", "application/json", `{"email":"bob@example.org","password":"`+password+`"}`, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("other account: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

// A member must never read or change another member's private data.
func TestAuthorisationAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		runScenarios(t, f, []scenario{
			{name: "public view of another member", as: "ada", method: "GET", path: "/api/v1/members/{bob}",
				status: 200, contains: []string{`"id": "{bob}"`}, notContains: []string{"bob@example.org", "invite_quota"}},
			{name: "own private view", as: "ada", method: "GET", path: "/api/v1/members/{ada}", status: 200, contains: []string{"ada@example.org"}},
			{name: "steward sees private fields", as: "stella", method: "GET", path: "/api/v1/members/{bob}", status: 200, contains: []string{"bob@example.org"}},
			{name: "another member's invitations", as: "ada", method: "GET", path: "/api/v1/members/{bob}/invitations", status: 403, errCode: "forbidden"},
			{name: "invite in another member's name", as: "ada", method: "POST", path: "/api/v1/members/{bob}/invitations", body: `{}`, status: 403, errCode: "forbidden"},
			{name: "revoke another member's invitation", as: "ada", method: "DELETE", path: "/api/v1/members/{bob}/invitations/AAAA-BBBB-CCCC-DDDD", status: 403, errCode: "forbidden"},
			{name: "even stewards cannot read invitation codes of others", as: "stella", method: "GET", path: "/api/v1/members/{ada}/invitations", status: 403, errCode: "forbidden"},
			{name: "member lists members", as: "ada", method: "GET", path: "/api/v1/members", status: 403, errCode: "forbidden"},
			{name: "member changes a role", as: "ada", method: "PATCH", path: "/api/v1/members/{ada}", body: `{"role":"steward"}`, status: 403, errCode: "forbidden"},
			{name: "member raises a quota", as: "ada", method: "PATCH", path: "/api/v1/members/{bob}", body: `{"invite_quota":50}`, status: 403, errCode: "forbidden"},
			{name: "anonymous reads a member", method: "GET", path: "/api/v1/members/{bob}", status: 401, errCode: "unauthorized"},
			{name: "forged token", method: "GET", path: "/api/v1/me", header: http.Header{"Authorization": {"Bearer forged"}}, status: 401, errCode: "unauthorized"},
			{name: "own invitations", as: "ada", method: "POST", path: "/api/v1/members/me/invitations", body: `{}`, status: 201, contains: []string{`"status": "open"`}},
			{name: "member cannot invite a steward", as: "ada", method: "POST", path: "/api/v1/members/me/invitations", body: `{"role":"steward"}`, status: 403, errCode: "forbidden"},
			{name: "list own invitations", as: "ada", method: "GET", path: "/api/v1/members/{ada}/invitations", status: 200, contains: []string{`"invitations"`}},
			{name: "steward raises a quota", as: "stella", method: "PATCH", path: "/api/v1/members/{bob}", body: `{"invite_quota":7}`, status: 200, contains: []string{`"invite_quota": 7`}},
			{name: "steward sets a bad quota", as: "stella", method: "PATCH", path: "/api/v1/members/{bob}", body: `{"invite_quota":-1}`, status: 422, errCode: "invalid", errField: "invite_quota"},
			{name: "steward lists members", as: "stella", method: "GET", path: "/api/v1/members", status: 200, contains: []string{"ada@example.org", "bob@example.org"}},
			{name: "unknown member", as: "stella", method: "GET", path: "/api/v1/members/m-nobody", status: 404, errCode: "not_found"},
		})
	})
}

func TestPagesNeedTheRightMember(t *testing.T) {
	f := newFixture(t, store.SQLite)
	cookie := func(name string) http.Header {
		return http.Header{"Cookie": {"allmende_session=" + f.tokens[name]}}
	}
	tests := []struct {
		name     string
		header   http.Header
		method   string
		path     string
		status   int
		location string
		contains string
	}{
		{"anonymous dashboard", nil, "GET", "/dashboard", 303, "/signin?next=%2Fdashboard", ""},
		{"dashboard", cookie("ada"), "GET", "/dashboard", 200, "", f.ids["ada"]},
		{"member list for a member", cookie("ada"), "GET", "/members", 403, "", "only stewards"},
		{"member list for a steward", cookie("stella"), "GET", "/members", 200, "", "bob@example.org"},
		{"member changes a role by form", cookie("ada"), "POST", "/members/" + f.ids["ada"], 403, "", ""},
		{"home", nil, "GET", "/", 200, "", "Data work, owned by the people who do it"},
		{"unknown page", nil, "GET", "/nowhere", 404, "", ""},
		{"health", nil, "GET", "/healthz", 200, "", `"ok"`},
		{"metrics are not on the public address", nil, "GET", "/metrics", 404, "", ""},
		{"not even for a steward", cookie("stella"), "GET", "/metrics", 404, "", ""},
		{"openapi", nil, "GET", "/api/v1/openapi.json", 200, "", `"openapi": "3.1.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ""
			if tt.method == "POST" {
				body = "role=steward"
			}
			resp := f.do("", tt.method, tt.path, "application/x-www-form-urlencoded", body, tt.header)
			got := readBody(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, got)
			}
			if tt.location != "" && resp.Header.Get("Location") != tt.location {
				t.Fatalf("Location %q, want %q", resp.Header.Get("Location"), tt.location)
			}
			if !strings.Contains(got, tt.contains) {
				t.Fatalf("body lacks %q", tt.contains)
			}
		})
	}
	// The role did not change through the refused form.
	m, _ := f.app.Members.ByPublicID(t.Context(), f.ids["ada"])
	if m.Role != "member" {
		t.Fatalf("ada's role = %s", m.Role)
	}
}

// A page on another site must not be able to make a signed-in member's
// browser act: cross-origin form posts and API calls carrying the session
// cookie are refused.
func TestCrossOriginWritesAreRefused(t *testing.T) {
	f := newFixture(t, store.SQLite)
	before, _, _ := f.app.Members.Invitations(t.Context(), mustMember(t, f, "ada").ID, store.Page{})
	h := http.Header{
		"Cookie":         {"allmende_session=" + f.tokens["ada"]},
		"Sec-Fetch-Site": {"cross-site"},
		"Origin":         {"https://evil.example"},
	}
	resp := f.do("", "POST", "/invitations", "application/x-www-form-urlencoded", "role=member", h)
	readBody(t, resp)
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site form post: %d, want 403", resp.StatusCode)
	}
	resp = f.do("", "POST", "/api/v1/members/me/invitations", "application/json", `{}`, h)
	body := readBody(t, resp)
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site API post: %d", resp.StatusCode)
	}
	apiErrorShape(t, body)
	after, _, _ := f.app.Members.Invitations(t.Context(), mustMember(t, f, "ada").ID, store.Page{})
	if len(after) != len(before) {
		t.Fatal("a cross-site request created an invitation")
	}
	// The same post from the site itself works.
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Del("Origin")
	resp = f.do("", "POST", "/invitations", "application/x-www-form-urlencoded", "role=member", h)
	readBody(t, resp)
	if resp.StatusCode != 303 {
		t.Fatalf("same-origin form post: %d, want 303", resp.StatusCode)
	}
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	f := newFixture(t, store.SQLite)
	resp := f.do("", "GET", "/api/v1/openapi.json", "", "", nil)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(readBody(t, resp)), &doc); err != nil {
		t.Fatal(err)
	}
	for _, route := range apiRoutes(t) {
		method, path, _ := strings.Cut(route, " ")
		ops, ok := doc.Paths[path]
		if !ok {
			t.Errorf("route %s is not in openapi.json", route)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("route %s: openapi.json lacks method %s", route, method)
		}
	}
}

func apiRoutes(t *testing.T) []string { return web.APIRoutes(t) }

func mustMember(t testing.TB, f *fixture, name string) member.Member {
	m, err := f.app.Members.ByPublicID(t.Context(), f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	return m
}
