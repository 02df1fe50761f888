package store_test

import (
	"strconv"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

func TestPageCut(t *testing.T) {
	rows := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = n - i // newest first
		}
		return out
	}
	for _, tc := range []struct {
		name           string
		limit, fetched int
		wantLen        int
		wantNext       string
	}{
		{"fewer rows than the page", 3, 2, 2, ""},
		{"exactly a page", 3, 3, 3, ""},
		{"more than a page", 3, 4, 3, "2"},
		{"default size", 0, store.DefaultLimit + 1, store.DefaultLimit, "2"},
		{"too large a limit is capped", store.MaxLimit + 10, store.MaxLimit + 1, store.MaxLimit, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := store.Page{Limit: tc.limit}
			got, next := store.Cut(p, rows(tc.fetched), strconv.Itoa)
			if len(got) != tc.wantLen || next != tc.wantNext {
				t.Fatalf("Cut(%d of %d) = %d rows, next %q; want %d rows, next %q", tc.fetched, tc.limit, len(got), next, tc.wantLen, tc.wantNext)
			}
			if p.Fetch() != p.Size()+1 {
				t.Fatalf("Fetch = %d, Size = %d", p.Fetch(), p.Size())
			}
		})
	}
}
