package request

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Lists are paged by keyset, newest first: ?limit=N (1 to store.MaxLimit)
// rows older than ?before=<cursor>, where the cursor is the "next" of the
// previous response. Pages show 20 rows and API lists 100 unless asked.
const (
	PageLimit = 20
	APILimit  = 100
	// maxCursor bounds a cursor: ids are far shorter.
	maxCursor = 200
)

// Page reads ?before and ?limit; def is the limit when none is asked for.
func Page(r *http.Request, def int) (store.Page, error) {
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
