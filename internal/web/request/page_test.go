package request

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// FuzzPage: whatever ?before and ?limit hold, a list is asked for with a
// limit from 1 to store.MaxLimit and the cursor as sent, or refused with
// an Invalid problem naming the parameter.
func FuzzPage(f *testing.F) {
	for _, seed := range [][2]string{{"", ""}, {"c-1", "20"}, {"", "0"}, {"", "501"}, {"", "-1"}, {"", "1e3"}, {"x", " 5"}, {"\x00", "9999999999999999999"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, before, limit string) {
		q := url.Values{}
		if before != "" {
			q.Set("before", before)
		}
		if limit != "" {
			q.Set("limit", limit)
		}
		p, err := Page(httptest.NewRequest("GET", "/?"+q.Encode(), nil), APILimit)
		if err != nil {
			pr, ok := problem.As(err)
			if !ok || pr.Kind != problem.Invalid || (pr.Fields["before"] == "" && pr.Fields["limit"] == "") {
				t.Fatalf("before %q, limit %q: %v", before, limit, err)
			}
			return
		}
		if p.Limit < 1 || p.Limit > store.MaxLimit || p.Before != before {
			t.Fatalf("before %q, limit %q: %+v", before, limit, p)
		}
	})
}
