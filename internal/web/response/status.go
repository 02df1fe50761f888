package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// statusOf is the one place where a problem becomes an HTTP status.
var statusOf = map[problem.Kind]int{
	problem.Invalid:         http.StatusUnprocessableEntity,
	problem.NotFound:        http.StatusNotFound,
	problem.Unauthorized:    http.StatusUnauthorized,
	problem.Forbidden:       http.StatusForbidden,
	problem.Conflict:        http.StatusConflict,
	problem.TooMany:         http.StatusTooManyRequests,
	problem.TooLarge:        http.StatusRequestEntityTooLarge,
	problem.Unsupported:     http.StatusUnsupportedMediaType,
	problem.BadRequest:      http.StatusBadRequest,
	problem.PaymentRequired: http.StatusPaymentRequired,
	problem.BadGateway:      http.StatusBadGateway,
	problem.GatewayTimeout:  http.StatusGatewayTimeout,
	problem.Unavailable:     http.StatusServiceUnavailable,
}

// classify turns any error into a problem and its status. Errors that are
// not problems are the server's fault: they are logged, and the client sees
// a generic message that leaks nothing.
func (s *Server) classify(r *http.Request, err error) (*problem.Error, int) {
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
		s.Log.Warn("text refused by the database", "method", r.Method, "route", r.Pattern, "err", err)
		return problem.New(problem.Invalid, "the request holds text with a NUL character or invalid UTF-8"), http.StatusUnprocessableEntity
	}
	if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
		// The client went away; nobody will read the answer.
		return &problem.Error{Kind: "canceled", Message: "request canceled"}, 499
	}
	s.Log.Error("request failed", "method", r.Method, "route", r.Pattern, "err", err)
	return &problem.Error{Kind: "internal", Message: "something went wrong on our side; it has been logged"}, http.StatusInternalServerError
}

// apiError writes err in the API's one error shape:
// {"error":{"code":"...","message":"...","fields":{...}}}.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	p, status := s.classify(r, err)
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(p.RetryAfter.Seconds()+0.999)))
	}
	type body struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	}
	writeJSON(w, status, map[string]body{"error": {Code: string(p.Kind), Message: p.Message, Fields: p.Fields}})
}

// pageError shows err as a page.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	p, status := s.classify(r, err)
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(p.RetryAfter.Seconds()+0.999)))
	}
	s.render(w, r, status, "error.html", "Problem", map[string]any{"Status": status, "Message": p.Message})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, problem.New(problem.NotFound, "no API endpoint %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path))
}
