package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Lists are paged by keyset, newest first: ?limit=N (1 to store.MaxLimit)
// rows older than ?before=<cursor>, where the cursor is the "next" of the
// previous response. Pages show 20 rows and API lists 100 unless asked.
const (
	pageLimit = 20
	apiLimit  = 100
	// maxCursor bounds a cursor: ids are far shorter.
	maxCursor = 200
)

// pageOf reads ?before and ?limit.
func pageOf(r *http.Request, def int) (store.Page, error) {
	q := r.URL.Query()
	p := store.Page{Before: q.Get("before"), Limit: def}
	if len(p.Before) > maxCursor {
		return p, &problem.Error{Kind: problem.Invalid, Message: "bad page cursor", Fields: map[string]string{"before": "the next cursor of the previous page"}}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxLimit {
			return p, &problem.Error{Kind: problem.Invalid, Message: "bad page size", Fields: map[string]string{"limit": "a whole number from 1 to " + strconv.Itoa(store.MaxLimit)}}
		}
		p.Limit = n
	}
	return p, nil
}

// pager is what a page shows below a list: a link to the older rows and,
// past the first page, one back to the newest.
type pager struct {
	Next  string
	First string
}

// pagerFor links to the page after the one r asked for, keeping r's other
// query parameters but the one-time notice of what was just added.
func pagerFor(r *http.Request, next string) pager {
	var p pager
	q := r.URL.Query()
	q.Del("added")
	if q.Get("before") != "" {
		q.Del("before")
		p.First = withQuery(r.URL.Path, q)
	}
	if next != "" {
		q.Set("before", next)
		p.Next = withQuery(r.URL.Path, q)
	}
	return p
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// listJSON is an API list response: the list under its name, and "next",
// the cursor of the following page, when there is one.
type listJSON map[string]any

func (l listJSON) next(cursor string) listJSON {
	if cursor != "" {
		l["next"] = cursor
	}
	return l
}
