package ledger_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

func addMember(t *testing.T, db *store.DB, publicID, email string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
			VALUES ($1, $2, 'Ada', 'x', 'member', 0) RETURNING id`, publicID, email).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOutboxHoldsEachCommittedEventOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		ada := addMember(t, db, "m_ada", "ada@example.org")

		var committedID string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			id, err := l.Record(ctx, tx, ledger.Event{
				Type: ledger.TaskPaid, MemberID: ada, Scope: "project:1",
				Postings: []ledger.Posting{{Account: "escrow:project:1", Amount: -120}, {Account: "member:m_ada", Amount: 120}},
				Content:  map[string]any{"task": 7, "seconds": 95},
			})
			committedID = id
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-l.Pending():
		default:
			t.Fatal("commit did not signal the publisher")
		}
		rolledBack := errors.New("rolled back")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := l.Record(ctx, tx, ledger.Event{Type: ledger.MemberJoined, MemberID: ada}); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
		select {
		case <-l.Pending():
			t.Fatal("a rolled-back transaction signalled the publisher")
		default:
		}

		pending, err := l.Unpublished(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].EventID != committedID {
			t.Fatalf("outbox = %+v, want exactly the committed event %s", pending, committedID)
		}
		e, err := ledger.ParseEntry(pending[0].Entry)
		if err != nil {
			t.Fatal(err)
		}
		if e.Member != "m_ada" || e.Type != ledger.TaskPaid || e.Scope != "project:1" || len(e.Postings) != 2 {
			t.Fatalf("entry = %+v", e)
		}
		if bytes.Contains(pending[0].Entry, []byte("ada@example.org")) || bytes.Contains(pending[0].Entry, []byte("seconds")) {
			t.Fatalf("entry publishes private data: %s", pending[0].Entry)
		}
		var salt, content []byte
		if err := db.Read().QueryRowContext(ctx, `SELECT salt, content FROM ledger_events WHERE event_id = $1`, committedID).Scan(&salt, &content); err != nil {
			t.Fatal(err)
		}
		if got := ledger.Commit(salt, content); got != e.Commitment {
			t.Fatalf("commitment %s does not match salt and content (%s)", e.Commitment, got)
		}
		if string(content) != `{"seconds":95,"task":7}` {
			t.Fatalf("content not canonical: %s", content)
		}

		if err := l.MarkLogged(ctx, map[string]uint64{committedID: 0}); err != nil {
			t.Fatal(err)
		}
		if err := l.MarkLogged(ctx, map[string]uint64{committedID: 0}); err != nil {
			t.Fatalf("replaying a write-back: %v", err)
		}
		if err := l.MarkLogged(ctx, map[string]uint64{committedID: 5}); !errors.Is(err, ledger.ErrAlreadyLogged) {
			t.Fatalf("second index for one event: %v, want ErrAlreadyLogged", err)
		}
		if pending, _ := l.Unpublished(ctx, 10); len(pending) != 0 {
			t.Fatalf("outbox after write-back = %d events, want 0", len(pending))
		}
	})
}

func TestRecordRejectsBadEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		tests := []struct {
			name string
			ev   ledger.Event
		}{
			{"unknown type", ledger.Event{Type: "money.printed"}},
			{"postings do not sum to zero", ledger.Event{Type: ledger.RewardSplit, Postings: []ledger.Posting{{Account: "treasury", Amount: -10}, {Account: "member:m_x", Amount: 9}}}},
			{"postings that sum to zero only by wrapping around", ledger.Event{Type: ledger.RewardSplit, Postings: []ledger.Posting{
				{Account: "member:m_a", Amount: math.MaxInt64}, {Account: "member:m_b", Amount: math.MaxInt64}, {Account: "treasury", Amount: 2}}}},
			{"zero posting", ledger.Event{Type: ledger.RewardSplit, Postings: []ledger.Posting{{Account: "treasury", Amount: 0}}}},
			{"e-mail as account", ledger.Event{Type: ledger.RewardSplit, Postings: []ledger.Posting{{Account: "member:a@b.c", Amount: 1}, {Account: "treasury", Amount: -1}}}},
			{"bad scope", ledger.Event{Type: ledger.VoteCast, Scope: "proposal 1"}},
			{"unknown member", ledger.Event{Type: ledger.MemberJoined, MemberID: 999}},
			{"content that cannot be encoded", ledger.Event{Type: ledger.VoteCast, Content: func() {}}},
		}
		for _, tt := range tests {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := l.Record(ctx, tx, tt.ev)
				return err
			})
			if err == nil {
				t.Errorf("%s: recorded", tt.name)
			}
		}
		if pending, _ := l.Unpublished(ctx, 10); len(pending) != 0 {
			t.Fatalf("bad events reached the outbox: %d", len(pending))
		}
	})
}

func TestParseEntryRejectsOtherVersionsAndFields(t *testing.T) {
	for _, in := range []string{
		`{"v":2,"id":"00112233445566778899aabbccddeeff","type":"vote.cast","time":1,"commitment":"x"}`,
		`{"v":3,"id":"00112233445566778899aabbccddeeff","type":"vote.cast","time":1,"commitment":"x"}`,
		`{"v":1,"id":"00112233445566778899aabbccddeeff","type":"reward.split","time":1,"postings":[{"account":"members","amount":5}],"shares":{"root":"` + strings.Repeat("0", 64) + `","count":1},"commitment":"x"}`,
		`{"v":2,"id":"00112233445566778899aabbccddeeff","type":"reward.split","time":1,"postings":[{"account":"members","amount":5}],"shares":{"root":"00","count":1},"commitment":"x"}`,
		`{"v":2,"id":"00112233445566778899aabbccddeeff","type":"reward.split","time":1,"postings":[{"account":"members","amount":5}],"shares":{"root":"` + strings.Repeat("0", 64) + `","count":0},"commitment":"x"}`,
		`{"v":2,"id":"00112233445566778899aabbccddeeff","type":"reward.split","time":1,"postings":[{"account":"treasury","amount":5}],"shares":{"root":"` + strings.Repeat("0", 64) + `","count":1},"commitment":"x"}`,
		`{"v":1,"id":"short","type":"vote.cast","time":1,"commitment":"x"}`,
		`{"v":1,"id":"00112233445566778899aabbccddeeff","type":"vote.cast","time":1,"commitment":"x","email":"a@b"}`,
		`not json`,
	} {
		if _, err := ledger.ParseEntry([]byte(in)); err == nil {
			t.Errorf("ParseEntry(%s) succeeded", in)
		}
	}
}

func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(`{"v":1,"id":"00112233445566778899aabbccddeeff","type":"vote.cast","time":1,"commitment":"x"}`))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":2,"id":"00112233445566778899aabbccddeeff","type":"reward.split","time":1,"postings":[{"account":"members","amount":5},{"account":"treasury","amount":-5}],"shares":{"root":"` + strings.Repeat("0", 64) + `","count":1},"commitment":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ledger.ParseEntry(b)
		if err != nil {
			return
		}
		if (e.V != ledger.EntryVersion || e.Shares != nil) && (e.V != ledger.SharesEntryVersion || e.Shares == nil || e.Shares.Count < 1) || len(e.ID) != 32 {
			t.Fatalf("accepted invalid entry %+v", e)
		}
	})
}

// TestMarkLoggedWritesABatchAllOrNothing: the write-back is one statement
// per batch; a replayed batch is a no-op, and a batch holding an unknown
// event or a second index for one writes none of its indexes.
func TestMarkLoggedWritesABatchAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		l := ledger.New(db)
		ada := addMember(t, db, "m_ada", "ada@example.org")
		ids := make([]string, 6)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range ids {
				id, err := l.Record(ctx, tx, ledger.Event{Type: ledger.VoteCast, MemberID: ada, Scope: "proposal:1", Content: map[string]int{"n": i}})
				if err != nil {
					return err
				}
				ids[i] = id
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		indexOf := func(id string) (int64, bool) {
			var idx *int64
			if err := db.Read().QueryRowContext(ctx, `SELECT log_index FROM ledger_events WHERE event_id = $1`, id).Scan(&idx); err != nil {
				t.Fatal(err)
			}
			if idx == nil {
				return 0, false
			}
			return *idx, true
		}

		first := map[string]uint64{ids[0]: 0, ids[1]: 1, ids[2]: 2}
		if err := l.MarkLogged(ctx, first); err != nil {
			t.Fatal(err)
		}
		for id, want := range first {
			if got, ok := indexOf(id); !ok || got != int64(want) {
				t.Fatalf("event %s: index %d (%v), want %d", id, got, ok, want)
			}
		}
		// A replay of part of the batch beside new events.
		if err := l.MarkLogged(ctx, map[string]uint64{ids[1]: 1, ids[2]: 2, ids[3]: 3}); err != nil {
			t.Fatalf("replaying part of a write-back: %v", err)
		}
		if got, ok := indexOf(ids[3]); !ok || got != 3 {
			t.Fatalf("event beside a replay: index %d (%v), want 3", got, ok)
		}

		err = l.MarkLogged(ctx, map[string]uint64{ids[4]: 4, ids[0]: 9})
		if !errors.Is(err, ledger.ErrAlreadyLogged) || !strings.Contains(err.Error(), ids[0]) {
			t.Fatalf("second index in a batch: %v, want ErrAlreadyLogged naming %s", err, ids[0])
		}
		err = l.MarkLogged(ctx, map[string]uint64{ids[4]: 4, "e_nobody": 5})
		if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "e_nobody") {
			t.Fatalf("unknown event in a batch: %v, want ErrNotFound naming it", err)
		}
		if got, ok := indexOf(ids[4]); ok {
			t.Fatalf("a failed batch wrote index %d of its other event", got)
		}
		if got, _ := indexOf(ids[0]); got != 0 {
			t.Fatalf("a failed batch changed an index to %d", got)
		}
		if err := l.MarkLogged(ctx, map[string]uint64{ids[4]: 4, ids[5]: 5}); err != nil {
			t.Fatal(err)
		}
		if pending, _ := l.Unpublished(ctx, 10); len(pending) != 0 {
			t.Fatalf("outbox after every write-back = %d events, want 0", len(pending))
		}
	})
}
