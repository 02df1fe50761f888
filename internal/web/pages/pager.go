package pages

import (
	"net/http"
	"net/url"
)

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
