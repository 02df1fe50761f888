package request

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
)

// Number reads a numeric id from the path. An id that is not a number
// names nothing, so it is not found: what names the missing thing
// ("no such task").
func Number(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, problem.New(problem.NotFound, "%s", what)
	}
	return id, nil
}

// Base is the scheme and host the request came to, for the
// copy-and-paste commands pages show.
func Base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
