package datanet_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestCountsFollowEveryChange checks the kept counts against a count of
// the rows after intake (accepted and duplicate), erasing one record and
// erasing everything: whatever writes contributions keeps them true.
func TestCountsFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		check := func(step string, member int64, want map[string]int) {
			t.Helper()
			got, err := e.svc.Counts(ctx, member)
			if err != nil {
				t.Fatal(err)
			}
			rows := map[string]int{}
			r, err := db.Read().QueryContext(ctx, `SELECT status, count(*) FROM contributions WHERE member_id = $1 GROUP BY status`, member)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var st string
				var n int
				r.Scan(&st, &n)
				rows[st] = n
			}
			r.Close()
			if !maps.Equal(got, want) || !maps.Equal(got, rows) {
				t.Fatalf("%s: counts %v, rows %v, want %v", step, got, rows, want)
			}
			st, err := e.svc.Stats(ctx, notes.ID)
			if err != nil {
				t.Fatal(err)
			}
			var records, members int
			db.Read().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT member_id) FROM contributions WHERE datanet_id = $1 AND status = 'accepted'`, notes.ID).Scan(&records, &members)
			if st.Records != records || st.Contributors != members {
				t.Fatalf("%s: datanet stats %+v, rows say %d records from %d members", step, st, records, members)
			}
		}
		check("before anything", e.ada, map[string]int{})
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, gardenText, "Roses like clay soil and a sunny spot out of the wind.", gardenText), datanet.IntakeOptions{Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		check("after intake", e.ada, map[string]int{"accepted": 2, "duplicate": 1})
		check("another member", e.bob, map[string]int{})
		if err := e.svc.Erase(ctx, e.ada, res.Outcomes[0].Contribution); err != nil {
			t.Fatal(err)
		}
		check("after one erasure", e.ada, map[string]int{"accepted": 1, "duplicate": 1, "erased": 1})
		if _, err := e.svc.Contribute(ctx, e.bob, "notes", texts(t, notes, gardenText), datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		check("another member's record", e.bob, map[string]int{"accepted": 1})
		if _, err := e.svc.EraseAll(ctx, e.ada); err != nil {
			t.Fatal(err)
		}
		check("after erasing everything", e.ada, map[string]int{"erased": 3})
	})
}

// TestHistoryPages walks a member's history page by page, with records
// added between two pages: every record that was there at the start is
// seen exactly once, newest first, and a cursor from another member's
// history is refused.
func TestHistoryPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		// Distinct enough that none is a near duplicate of another.
		words := strings.Fields("sow carrots beans peas rows hand apart keep bed moist sprout thin weed mulch compost water dawn dusk frost shade stake prune harvest seed tray pot soil clay sand lime ash")
		rng := rand.New(rand.NewPCG(5, 6))
		var lines []string
		for i := range 23 {
			var b strings.Builder
			fmt.Fprintf(&b, "Note %d:", i)
			for range 30 {
				b.WriteString(" " + words[rng.IntN(len(words))])
			}
			lines = append(lines, b.String())
		}
		if _, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, lines...), datanet.IntakeOptions{}); err != nil {
			t.Fatal(err)
		}
		all, next, err := e.svc.History(ctx, e.ada, store.Page{Limit: 100})
		if err != nil || len(all) != 23 || next != "" {
			t.Fatalf("whole history: %d rows, next %q, %v", len(all), next, err)
		}
		var seen []string
		page := store.Page{Limit: 10}
		for i := 0; ; i++ {
			rows, next, err := e.svc.History(ctx, e.ada, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rows {
				seen = append(seen, c.ID)
			}
			if i == 0 {
				// New records arrive while the member reads.
				if _, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, "A late note: harvest garlic when half the leaves are brown."), datanet.IntakeOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			if next == "" {
				break
			}
			if len(rows) != 10 {
				t.Fatalf("page %d holds %d rows and has a next page", i, len(rows))
			}
			page.Before = next
		}
		if len(seen) != len(all) {
			t.Fatalf("paging saw %d records, want %d", len(seen), len(all))
		}
		for i := range all {
			if seen[i] != all[i].ID {
				t.Fatalf("record %d: paging saw %s, want %s (a gap or an overlap)", i, seen[i], all[i].ID)
			}
		}
		_, _, err = e.svc.History(ctx, e.bob, store.Page{Before: all[3].ID})
		if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields["before"] == "" {
			t.Fatalf("bob paging from ada's record: %v", err)
		}
	})
}
