// Package route is how the web layer's packages put their handlers on
// the server, and how a test finds them again: a handler keeps the
// function written for its route, so that the test can check that the
// function stands in the file the route's path names (see DESIGN.md,
// "Where does a change go").
package route

import "net/http"

// Mux is what routes are registered on: the server's *http.ServeMux, or a
// Recorder in tests.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Handler serves a route by calling Func through an adapter (one that
// finds the member, writes the error a handler returns, …).
type Handler struct {
	// Func is the function written for the route, as its file declares it.
	Func  any
	serve http.HandlerFunc
}

// New is a handler that serves with serve and remembers fn as the
// function written for the route.
func New(fn any, serve http.HandlerFunc) Handler { return Handler{Func: fn, serve: serve} }

func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r) }

// Func is the function written for a registered handler: the one a
// Handler remembers, or the handler itself.
func Func(h http.Handler) any {
	if rh, ok := h.(Handler); ok {
		return rh.Func
	}
	return h
}

// Route is one registered pattern and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Recorder is a Mux that keeps what is registered on it.
type Recorder struct {
	Routes []Route
}

// Handle records a route.
func (m *Recorder) Handle(pattern string, h http.Handler) {
	m.Routes = append(m.Routes, Route{Pattern: pattern, Handler: h})
}
