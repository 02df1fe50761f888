package ledger_test

import (
	"errors"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestRecordAllKeepsOrderMembersAndBytes: events recorded in one statement
// land in the caller's order, each under its own member's pseudonym, with
// the exact bytes their commitment was computed over.
func TestRecordAllKeepsOrderMembersAndBytes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		ada := addMember(t, db, "m_ada", "ada@example.org")
		bob := addMember(t, db, "m_bob", "bob@example.org")
		evs := []ledger.Event{
			{Type: ledger.TaskPaid, MemberID: bob, Scope: "project:1",
				Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -3}, {Account: "member:m_bob", Amount: 3}},
				Content:  map[string]any{"task": 1, "note": "ünïcode \u0000 <&>"}},
			{Type: ledger.ModelTrained, Scope: "model:2"},
			{Type: ledger.TaskPaid, MemberID: ada, Scope: "project:1",
				Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -5}, {Account: "member:m_ada", Amount: 5}},
				Content:  map[string]any{"task": 2}},
			{Type: ledger.VoteCast, MemberID: bob, Scope: "proposal:9"},
		}
		var ids []string
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			ids, err = l.RecordAll(ctx, tx, evs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := l.Unpublished(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != len(evs) {
			t.Fatalf("outbox holds %d events, want %d", len(pending), len(evs))
		}
		wantMember := []string{"m_bob", "", "m_ada", "m_bob"}
		for i, u := range pending {
			if u.EventID != ids[i] {
				t.Fatalf("outbox event %d is %s, want %s (the caller's order)", i, u.EventID, ids[i])
			}
			e, err := ledger.ParseEntry(u.Entry)
			if err != nil {
				t.Fatal(err)
			}
			if e.ID != ids[i] || e.Type != evs[i].Type || e.Member != wantMember[i] || e.Scope != evs[i].Scope {
				t.Fatalf("entry %d = %+v, want %s of %q", i, e, evs[i].Type, wantMember[i])
			}
			var salt, content []byte
			var member *int64
			if err := db.Read().QueryRowContext(ctx, `SELECT salt, content, member_id FROM ledger_events WHERE event_id = $1`, u.EventID).Scan(&salt, &content, &member); err != nil {
				t.Fatal(err)
			}
			if len(salt) != 32 || ledger.Commit(salt, content) != e.Commitment {
				t.Fatalf("event %d: commitment %s does not match the stored salt and content %q", i, e.Commitment, content)
			}
			if (member == nil) != (evs[i].MemberID == 0) || member != nil && *member != evs[i].MemberID {
				t.Fatalf("event %d: member_id %v, want %d", i, member, evs[i].MemberID)
			}
		}
		var content []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT content FROM ledger_events WHERE event_id = $1`, ids[0]).Scan(&content); err != nil {
			t.Fatal(err)
		}
		if want := `{"note":"ünïcode \u0000 \u003c\u0026\u003e","task":1}`; string(content) != want {
			t.Fatalf("content = %s, want %s", content, want)
		}

		// One unknown member fails the whole call and records nothing.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := l.RecordAll(ctx, tx, []ledger.Event{{Type: ledger.VoteCast, MemberID: ada}, {Type: ledger.VoteCast, MemberID: 999}})
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown member: %v, want ErrNotFound", err)
		}
		if pending, _ := l.Unpublished(ctx, 10); len(pending) != len(evs) {
			t.Fatalf("outbox holds %d events after a failed call, want %d", len(pending), len(evs))
		}
	})
}

// TestRecordNamesTheMemberOfARolledBackIDCorrectly: a member created in a
// transaction that rolls back is not remembered, so the member who gets
// the same id next (SQLite reuses it) is published under their own
// pseudonym, not the vanished one's.
func TestRecordNamesTheMemberOfARolledBackIDCorrectly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		addMember(t, db, "m_first", "first@example.org")
		rolledBack := errors.New("rolled back")
		var gone int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			err := tx.QueryRowContext(ctx, `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
				VALUES ('m_gone', 'gone@example.org', 'Gone', 'x', 'member', 0) RETURNING id`).Scan(&gone)
			if err != nil {
				return err
			}
			if _, err := l.Record(ctx, tx, ledger.Event{Type: ledger.MemberJoined, MemberID: gone}); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
		next := addMember(t, db, "m_next", "next@example.org")
		if db.Dialect() == store.SQLite && next != gone {
			t.Fatalf("SQLite gave the next member id %d, not the rolled-back %d: the test no longer tests reuse", next, gone)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := l.Record(ctx, tx, ledger.Event{Type: ledger.MemberJoined, MemberID: next})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := l.Unpublished(ctx, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("outbox = %d events (%v), want 1", len(pending), err)
		}
		if e, err := ledger.ParseEntry(pending[0].Entry); err != nil || e.Member != "m_next" {
			t.Fatalf("entry = %+v (%v), want member m_next", e, err)
		}
	})
}
