package response

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Problem turns any error into what the client is told: a problem and its
// status from the one table. Errors that are not problems are the
// server's fault: they are logged, and the client sees a generic message
// that leaks nothing.
func Problem(log *slog.Logger, r *http.Request, err error) (*problem.Error, int) {
	if p, ok := problem.As(err); ok {
		if status, ok := statusOf[p.Kind]; ok {
			return p, status
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(problem.NotFound, "not found"), http.StatusNotFound
	}
	if store.IsBadText(err) {
		// A validator should have named the field; log where one is missing.
		log.Warn("text refused by the database", "method", r.Method, "route", r.Pattern, "err", err)
		return problem.New(problem.Invalid, "the request holds text with a NUL character or invalid UTF-8"), http.StatusUnprocessableEntity
	}
	if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
		// The client went away; nobody will read the answer.
		return &problem.Error{Kind: "canceled", Message: "request canceled"}, 499
	}
	log.Error("request failed", "method", r.Method, "route", r.Pattern, "err", err)
	return &problem.Error{Kind: "internal", Message: "something went wrong on our side; it has been logged"}, http.StatusInternalServerError
}

// RetryAfter tells the client when to try again, if the problem says.
func RetryAfter(w http.ResponseWriter, p *problem.Error) {
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(p.RetryAfter.Seconds()+0.999)))
	}
}

// Body is the API's one error shape:
// {"error":{"code":"...","message":"...","fields":{...}}}.
type Body struct {
	Error Detail `json:"error"`
}

// Detail is what the error shape says: the problem's kind, its message
// and what is wrong with each field.
type Detail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// BodyOf is a problem in the API's error shape.
func BodyOf(p *problem.Error) Body {
	return Body{Error: Detail{Code: string(p.Kind), Message: p.Message, Fields: p.Fields}}
}

// Error writes err in the API's one error shape, with the status from the
// one table. Every error the API and the OpenAI-compatible endpoints
// answer goes through it.
func Error(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	p, status := Problem(log, r, err)
	RetryAfter(w, p)
	JSON(w, status, BodyOf(p))
}
