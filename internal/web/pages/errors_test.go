package pages

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/web/deps"
	"github.com/allmende/allmende/internal/web/response"
)

func testPages(log *slog.Logger) *Pages {
	return New(deps.Deps{Log: log}, nil)
}

// errorPage is what a page shows at a status: the error page, with a
// sentence as its heading and the status beside it.
func isErrorPage(body string, status int) bool {
	return strings.Contains(body, fmt.Sprintf(`<h1 id="error-heading">%s</h1>`, errorHeading(status))) &&
		strings.Contains(body, fmt.Sprintf(">Error %d</p>", status))
}

// Every kind of problem a handler returns is shown on the error page at
// the status of the one table, with its message.
func TestErrorShowsEveryKindAtItsStatus(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	for _, kind := range []problem.Kind{problem.Invalid, problem.NotFound, problem.Unauthorized, problem.Forbidden, problem.Conflict, problem.TooMany,
		problem.TooLarge, problem.Unsupported, problem.BadRequest, problem.PaymentRequired, problem.BadGateway, problem.GatewayTimeout, problem.Unavailable} {
		want, ok := response.Status(kind)
		if !ok {
			t.Fatalf("the table lacks %s", kind)
		}
		w := httptest.NewRecorder()
		p.Error(w, httptest.NewRequest("GET", "/datanets", nil), fmt.Errorf("wrapped: %w", problem.New(kind, "what went <wrong>")))
		body := w.Body.String()
		if w.Code != want || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: status %d (%s), want %d as HTML", kind, w.Code, w.Header().Get("Content-Type"), want)
		}
		if !isErrorPage(body, want) || !strings.Contains(body, "what went &lt;wrong&gt;") {
			t.Fatalf("%s: not the error page with the message: %s", kind, body)
		}
	}
}

// A form's problem shows the form again at the problem's status, with
// what the person typed, the problem's message and every field's error.
func TestErrorShowsTheFormAgainWithWhatWasTyped(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	typed := form{Values: map[string]string{"name": "Tenancy <law>", "slug": "Tenancy Law", "near_duplicate": "0.8"}}
	err := &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"slug": "lowercase letters, digits and dashes"}}
	w := httptest.NewRecorder()
	p.Error(w, httptest.NewRequest("POST", "/datanets", nil), again(fmt.Errorf("create: %w", err), p.showDatanetForm, typed))
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || isErrorPage(body, w.Code) {
		t.Fatalf("status %d, the error page: %v", w.Code, isErrorPage(body, w.Code))
	}
	for _, want := range []string{`value="Tenancy &lt;law&gt;"`, `value="Tenancy Law"`, "Some fields are not valid.", "lowercase letters, digits and dashes"} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}

// A page that shows only a message gets the fields in it, as
// problem.Error writes them; the form's own field errors stay beside the
// problem's.
func TestRedoFillsTheForm(t *testing.T) {
	err := &problem.Error{Kind: problem.Invalid, Message: "no", Fields: map[string]string{"b": "bad", "a": "worse"}}
	f := (&redo{err: err, form: form{Errors: map[string]string{"c": "typed wrong"}}}).filled()
	if f.Message != "no" || f.Errors["a"] != "worse" || f.Errors["c"] != "typed wrong" {
		t.Fatalf("filled %+v", f)
	}
	if got := (&redo{err: err, summary: true}).filled().Message; got != "no; a: worse; b: bad" {
		t.Fatalf("summary %q", got)
	}
}

// A page that shows some kinds of problem only leaves the others to the
// error page; so does every error that is not a problem, which is logged
// and told as a generic 500.
func TestErrorLeavesToTheErrorPage(t *testing.T) {
	var logs bytes.Buffer
	p := testPages(slog.New(slog.NewTextHandler(&logs, nil)))
	tests := []struct {
		name   string
		err    error
		status int
		logged bool
	}{
		{"a kind the sign-in form does not show", &redo{err: problem.New(problem.Invalid, "bad address"), show: p.showSignin, shows: signinFailures}, 422, false},
		{"not a problem", again(errors.New("disk full at /var/lib/secret"), p.showSignin, form{}), 500, true},
		{"a missing row", again(store.ErrNotFound, p.showSignin, form{}), 404, false},
		{"the page cannot be shown", again(problem.New(problem.Conflict, "taken"), func(http.ResponseWriter, *http.Request, int, form) error {
			return problem.New(problem.NotFound, "gone meanwhile")
		}, form{}), 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			w := httptest.NewRecorder()
			p.Error(w, httptest.NewRequest("POST", "/signin", nil), tt.err)
			body := w.Body.String()
			if w.Code != tt.status || !isErrorPage(body, tt.status) {
				t.Fatalf("status %d, want the error page at %d: %s", w.Code, tt.status, body)
			}
			if strings.Contains(body, `name="password"`) || strings.Contains(body, "secret") {
				t.Fatalf("the form, or the cause, is shown: %s", body)
			}
			if got := logs.Len() > 0; got != tt.logged {
				t.Fatalf("logged %v, want %v: %s", got, tt.logged, logs.String())
			}
		})
	}
	// A kind it does show, it shows on the form, and says when to try
	// again.
	w := httptest.NewRecorder()
	p.Error(w, httptest.NewRequest("POST", "/signin", nil), &redo{err: &problem.Error{Kind: problem.TooMany, Message: "wait", RetryAfter: 3 * time.Second},
		show: p.showSignin, form: form{Values: map[string]string{"email": "ada@example.org"}}, shows: signinFailures})
	if body := w.Body.String(); w.Code != 429 || !strings.Contains(body, `name="password"`) || !strings.Contains(body, "ada@example.org") || w.Header().Get("Retry-After") != "3" {
		t.Fatalf("status %d, Retry-After %q: %s", w.Code, w.Header().Get("Retry-After"), body)
	}
}

// The error page's heading is a sentence, never the bare status ("403").
func TestErrorHeadingIsASentence(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	for _, kind := range []problem.Kind{problem.Forbidden, problem.NotFound, problem.Conflict, problem.Invalid, problem.Unavailable} {
		w := httptest.NewRecorder()
		p.Error(w, httptest.NewRequest("GET", "/datanets", nil), problem.New(kind, "why"))
		body := w.Body.String()
		start := strings.Index(body, `<h1 id="error-heading">`)
		end := strings.Index(body, "</h1>")
		if start < 0 || end < start {
			t.Fatalf("%s: no heading in %s", kind, body)
		}
		h := body[start+len(`<h1 id="error-heading">`) : end]
		if strings.Trim(h, "0123456789") == "" || !strings.Contains(h, " ") {
			t.Errorf("%s: heading %q is not a sentence", kind, h)
		}
	}
}

// A problem whose message is also its field's error is said once, beside
// the field: the invitation code that was already used appeared twice.
func TestFieldErrorIsNotSaidTwice(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	msg := "this invitation code has already been used"
	err := &problem.Error{Kind: problem.Invalid, Message: msg, Fields: map[string]string{"code": msg}}
	w := httptest.NewRecorder()
	p.Error(w, httptest.NewRequest("POST", "/signup", nil), again(err, p.showSignup, form{Values: map[string]string{"code": "abc"}}))
	body := w.Body.String()
	if n := strings.Count(body, msg); n != 1 {
		t.Fatalf("the page says %q %d times:\n%s", msg, n, body)
	}
	if !strings.Contains(body, "Please correct what is marked below.") {
		t.Fatalf("the message above the form does not point to the field:\n%s", body)
	}
}
