package store_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
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

// TestPageCursor: a cursor is either the id of a row the reader may page
// from, or it is refused as invalid on the "before" field — never a 500,
// never a page of someone else's rows.
func TestPageCursor(t *testing.T) {
	for _, tt := range []struct {
		before string
		want   int64
		ok     bool
	}{{"", math.MaxInt64, true}, {"7", 7, true}, {"0", 0, false}, {"-3", 0, false}, {"x", 0, false}, {"99999999999999999999", 0, false}} {
		got, err := store.Page{Before: tt.before}.ID("an id")
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("ID(%q) = %d, %v; want %d", tt.before, got, err, tt.want)
		}
		if p, isProblem := problem.As(err); !tt.ok && (!isProblem || p.Kind != problem.Invalid || p.Fields["before"] != "an id") {
			t.Errorf("ID(%q) = %v, want an invalid cursor", tt.before, err)
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertMember(t, db, "a@example.org")
		lookup := `SELECT id FROM members WHERE email = $1 AND id > $2`
		row, err := store.Page{Before: "a@example.org"}.Row(t.Context(), db.Read(), "a member", lookup, 0)
		if err != nil || row <= 0 {
			t.Fatalf("Row of a member = %d, %v", row, err)
		}
		for _, before := range []string{"b@example.org", "a@example.org\x00"} {
			if _, err := (store.Page{Before: before}).Row(t.Context(), db.Read(), "a member", lookup, 0); !problem.Is(err, problem.Invalid) {
				t.Errorf("Row(%q) = %v, want an invalid cursor", before, err)
			}
		}
	})
}
