// Package problem holds the errors a person can act on — invalid input,
// something not found, not allowed, in conflict, too many attempts — so that
// domain packages can say what went wrong and the web package can map each
// kind to an HTTP status in exactly one place.
package problem

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Kind classifies a problem; each maps to one HTTP status.
type Kind string

const (
	Invalid      Kind = "invalid"      // 422: the input is wrong; Fields says where
	NotFound     Kind = "not_found"    // 404
	Unauthorized Kind = "unauthorized" // 401: not signed in, or bad credentials
	Forbidden    Kind = "forbidden"    // 403: signed in, but not allowed
	Conflict     Kind = "conflict"     // 409: the state does not allow it (used, full, taken)
	TooMany      Kind = "too_many"     // 429
	TooLarge     Kind = "too_large"    // 413
	Unsupported  Kind = "unsupported"  // 415
	BadRequest   Kind = "bad_request"  // 400: the request itself is malformed
	// PaymentRequired (402): the caller's balance does not cover the cost.
	PaymentRequired Kind = "payment_required"
	// BadGateway (502) and GatewayTimeout (504): a service we forward to
	// failed or was too slow.
	BadGateway     Kind = "bad_gateway"
	GatewayTimeout Kind = "gateway_timeout"
	// Unavailable (503): part of what was asked is done, part failed on
	// our side; the same request, repeated, finishes it.
	Unavailable Kind = "unavailable"
)

// Error is a problem with a message meant for the person who caused it.
type Error struct {
	Kind    Kind
	Message string
	// Fields maps an input field to what is wrong with it.
	Fields map[string]string
	// RetryAfter, for TooMany, says when to try again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
	}
	return b.String()
}

// New returns a problem of the given kind.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// As finds the problem in err's chain, if any.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}

// Is reports whether err is a problem of the given kind.
func Is(err error, kind Kind) bool {
	p, ok := As(err)
	return ok && p.Kind == kind
}

// Fields collects what is wrong with each input field of one request, so
// that a form can show every mistake at once rather than the first.
type Fields map[string]string

// Add records a message for field unless one is already there.
func (f Fields) Add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// Merge adds what an Invalid problem with fields — such as points.Check
// returns — says about each field, unless the field already has a message,
// so that one check serves a single value and a form of many. nil, and
// any other error, add nothing.
func (f Fields) Merge(err error) {
	if p, ok := As(err); ok && p.Kind == Invalid {
		for field, msg := range p.Fields {
			f.Add(field, "%s", msg)
		}
	}
}

// Err returns an Invalid problem listing the fields, or nil if there are none.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: "Some fields are not valid.", Fields: map[string]string(f)}
}
