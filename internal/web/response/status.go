package response

import (
	"net/http"

	"github.com/allmende/allmende/internal/problem"
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

// Status is the HTTP status of a kind of problem, and false for a kind
// the table does not know.
func Status(k problem.Kind) (int, bool) {
	s, ok := statusOf[k]
	return s, ok
}
