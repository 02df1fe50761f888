package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/request"
)

// Whatever an endpoint returns, the adapters hand it to the one writer:
// the status of the one table, in the one shape. An endpoint for members
// never runs without one.
func TestAdaptersWriteWhatHandlersReturn(t *testing.T) {
	a := New(deps.Deps{Log: slog.New(slog.DiscardHandler)}, nil)
	ran := false
	conflict := func(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
		ran = true
		return &problem.Error{Kind: problem.Conflict, Message: "taken", Fields: map[string]string{"slug": "taken"}}
	}
	signedIn := request.WithSession(httptest.NewRequest("POST", "/api/v1/x", nil), &member.Session{Member: member.Member{ID: 1, PublicID: "m-1"}})
	tests := []struct {
		name   string
		h      http.Handler
		r      *http.Request
		status int
		code   string
		ran    bool
	}{
		{"member, signed in", a.member(conflict), signedIn, 409, "conflict", true},
		{"member, anonymous", a.member(conflict), httptest.NewRequest("POST", "/api/v1/x", nil), 401, "unauthorized", false},
		{"member or key, neither", a.memberOrKey(conflict), httptest.NewRequest("POST", "/api/v1/x", nil), 401, "unauthorized", false},
		{"anyone, anonymous", a.anyone(conflict), httptest.NewRequest("GET", "/api/v1/x", nil), 409, "conflict", true},
		{"public", a.public(a.notFound), httptest.NewRequest("GET", "/api/v2/x", nil), 404, "not_found", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = false
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, tt.r)
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != tt.status || body.Error.Code != tt.code || body.Error.Message == "" {
				t.Fatalf("status %d, body %s (%v); want %d %s", w.Code, w.Body, err, tt.status, tt.code)
			}
			if ran != tt.ran {
				t.Fatalf("the handler ran: %v, want %v", ran, tt.ran)
			}
		})
	}
}
