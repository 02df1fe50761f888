package datanet_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestBatchIntakeRecordsOneEventPerAcceptedRecordInOrder checks the
// events a batch leaves in the ledger, now that they are recorded with
// one statement: one "contribution accepted" per accepted record, none for
// a duplicate, in the batch's order, each naming its contribution and DNA,
// opening to its commitment, and linked from its contribution's row — as
// recording them one at a time did.
func TestBatchIntakeRecordsOneEventPerAcceptedRecordInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		rng := rand.New(rand.NewPCG(7, 11))
		var lines []string
		for range 40 {
			lines = append(lines, wordSalad(rng, 60))
		}
		lines[17] = lines[3] // a duplicate within the batch: stored, but no event
		res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, lines...), datanet.IntakeOptions{Partial: true})
		if err != nil || !res.Stored || res.Accepted != 39 {
			t.Fatalf("contribute: accepted %d, %v", res.Accepted, err)
		}
		var want []datanet.Outcome
		for i, o := range res.Outcomes {
			if o.Index != i {
				t.Fatalf("outcome %d has index %d", i, o.Index)
			}
			if o.Status == "accepted" {
				want = append(want, o)
			} else if i != 17 || o.Status != "duplicate" {
				t.Fatalf("outcome %d: %s", i, o.Status)
			}
		}

		rows, err := db.Read().QueryContext(ctx, `
			SELECT e.event_id, e.type, e.member_id, e.entry, e.salt, e.content, c.public_id
			FROM ledger_events e LEFT JOIN contributions c ON c.event_id = e.event_id
			WHERE e.type = $1 ORDER BY e.seq`, string(ledger.ContributionAccepted))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		i := 0
		for ; rows.Next(); i++ {
			var id, typ string
			var member int64
			var rawEntry, salt, content []byte
			var linked *string
			if err := rows.Scan(&id, &typ, &member, &rawEntry, &salt, &content, &linked); err != nil {
				t.Fatal(err)
			}
			if i >= len(want) {
				t.Fatalf("more events than accepted records: %d", i+1)
			}
			o := want[i]
			entry, err := ledger.ParseEntry(rawEntry)
			if err != nil {
				t.Fatal(err)
			}
			var c map[string]string
			if err := json.Unmarshal(content, &c); err != nil {
				t.Fatal(err)
			}
			switch {
			case member != e.ada || entry.Member != "m-ada" || entry.ID != id:
				t.Fatalf("event %d: member %d %q, id %s/%s", i, member, entry.Member, entry.ID, id)
			case entry.Scope != fmt.Sprintf("datanet:%d", notes.ID) || entry.Type != ledger.ContributionAccepted:
				t.Fatalf("event %d: %s %s", i, entry.Type, entry.Scope)
			case c["contribution"] != o.Contribution || c["dna"] != o.DNA || len(c) != 2:
				t.Fatalf("event %d (record %d) says %v, want contribution %s dna %s", i, o.Index, c, o.Contribution, o.DNA)
			case ledger.Commit(salt, content) != entry.Commitment:
				t.Fatalf("event %d does not open to its commitment", i)
			case linked == nil || *linked != o.Contribution:
				t.Fatalf("event %d is linked from contribution %v, want %s", i, linked, o.Contribution)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if i != len(want) {
			t.Fatalf("%d events for %d accepted records", i, len(want))
		}
	})
}

// TestEraseAllRecordsOneErasedEventPerAcceptedRecord erases a member's
// whole history, whose "contribution erased" events are recorded with one
// statement: one event per accepted record (none for a duplicate, which
// had no event), naming the member and the datanet and committing to no
// content, while every "contribution accepted" event forgets its content.
func TestEraseAllRecordsOneErasedEventPerAcceptedRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		rng := rand.New(rand.NewPCG(3, 5))
		var lines []string
		for range 12 {
			lines = append(lines, wordSalad(rng, 60))
		}
		lines[5] = lines[2]
		if res, err := e.svc.Contribute(ctx, e.ada, "notes", texts(t, notes, lines...), datanet.IntakeOptions{Partial: true}); err != nil || res.Accepted != 11 {
			t.Fatalf("contribute: accepted %d, %v", res.Accepted, err)
		}
		n, err := e.svc.EraseAll(ctx, e.ada)
		if err != nil || n != 12 {
			t.Fatalf("erase all: %d, %v", n, err)
		}
		rows, err := db.Read().QueryContext(ctx, `SELECT member_id, entry, content FROM ledger_events WHERE type = $1 ORDER BY seq`, string(ledger.ContributionErased))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		count := 0
		for rows.Next() {
			var member int64
			var raw, content []byte
			if err := rows.Scan(&member, &raw, &content); err != nil {
				t.Fatal(err)
			}
			entry, err := ledger.ParseEntry(raw)
			if err != nil {
				t.Fatal(err)
			}
			if member != e.ada || entry.Member != "m-ada" || entry.Scope != fmt.Sprintf("datanet:%d", notes.ID) || string(content) != "{}" {
				t.Fatalf("erased event %d: member %d %q scope %s content %q", count, member, entry.Member, entry.Scope, content)
			}
			count++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if count != 11 {
			t.Fatalf("%d erased events for 11 accepted records", count)
		}
		var kept int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE type = $1 AND content IS NOT NULL`, string(ledger.ContributionAccepted)).Scan(&kept); err != nil || kept != 0 {
			t.Fatalf("%d accepted events still hold their content (%v)", kept, err)
		}
	})
}
