package response

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// decode reads a body that must be exactly the API's error shape.
func decode(t *testing.T, body []byte) Detail {
	t.Helper()
	var b Body
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("not the error shape (%v): %s", err, body)
	}
	return b.Error
}

// Every kind of problem the domain can return is answered with the status
// of the one table, in the one shape, its message and fields as given.
func TestErrorWritesEveryKindFromTheTable(t *testing.T) {
	want := map[problem.Kind]int{
		problem.Invalid: 422, problem.NotFound: 404, problem.Unauthorized: 401, problem.Forbidden: 403,
		problem.Conflict: 409, problem.TooMany: 429, problem.TooLarge: 413, problem.Unsupported: 415,
		problem.BadRequest: 400, problem.PaymentRequired: 402, problem.BadGateway: 502,
		problem.GatewayTimeout: 504, problem.Unavailable: 503,
	}
	if len(want) != len(statusOf) {
		t.Fatalf("the table has %d kinds, the test %d", len(statusOf), len(want))
	}
	for kind, status := range want {
		t.Run(string(kind), func(t *testing.T) {
			w := httptest.NewRecorder()
			err := fmt.Errorf("wrapped: %w", &problem.Error{Kind: kind, Message: "what went wrong", Fields: map[string]string{"name": "is required"}})
			Error(slog.New(slog.DiscardHandler), w, httptest.NewRequest("GET", "/api/v1/x", nil), err)
			if w.Code != status {
				t.Fatalf("status %d, want %d", w.Code, status)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q", ct)
			}
			d := decode(t, w.Body.Bytes())
			if d.Code != string(kind) || d.Message != "what went wrong" || d.Fields["name"] != "is required" {
				t.Fatalf("body %+v", d)
			}
		})
	}
}

// Errors that are not problems are told as the table says: a missing row
// is not found, text the database refused is invalid, a client that went
// away 499, and anything else a 500 that says nothing of the cause but
// is logged.
func TestErrorWritesWhatIsNotAProblem(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		err    error
		status int
		code   string
		logged bool
	}{
		{"missing row", context.Background(), fmt.Errorf("read: %w", store.ErrNotFound), 404, "not_found", false},
		{"text the database refused", context.Background(), &pgconn.PgError{Code: "22021"}, 422, "invalid", true},
		{"client went away", canceled, fmt.Errorf("query: %w", context.Canceled), 499, "canceled", false},
		{"our fault", context.Background(), errors.New("disk full at /var/lib/secret"), 500, "internal", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/api/v1/x", nil).WithContext(tt.ctx)
			Error(slog.New(slog.NewTextHandler(&logs, nil)), w, r, tt.err)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			d := decode(t, w.Body.Bytes())
			if d.Code != tt.code {
				t.Fatalf("code %q, want %q", d.Code, tt.code)
			}
			if strings.Contains(w.Body.String(), "secret") {
				t.Fatalf("the answer tells the cause: %s", w.Body)
			}
			if got := logs.Len() > 0; got != tt.logged {
				t.Fatalf("logged %v, want %v: %s", got, tt.logged, logs.String())
			}
		})
	}
}

func TestErrorSaysWhenToTryAgain(t *testing.T) {
	w := httptest.NewRecorder()
	Error(slog.New(slog.DiscardHandler), w, httptest.NewRequest("POST", "/api/v1/sessions", nil),
		&problem.Error{Kind: problem.TooMany, Message: "too many attempts", RetryAfter: 11500 * time.Millisecond})
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "12" {
		t.Fatalf("status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}
