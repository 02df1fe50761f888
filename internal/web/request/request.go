// Package request reads what every handler of the web layer reads from a
// request: the session the middleware found, ids in the path, the page of
// a list (?before, ?limit), a JSON or form body within bounds, and the
// address the request came from. It decides nothing: what a member may do
// is asked of the domain.
package request
