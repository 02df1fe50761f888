package govern_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestVoteOnlyWhileOpen: before the window, at its end, and after the
// decision a vote is refused as a conflict and leaves nothing behind.
func TestVoteOnlyWhileOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		d := e.draft(govern.PerMember, "yes", "no")
		d.OpensAt, d.ClosesAt = e.now.Add(time.Hour), e.now.Add(25*time.Hour)
		p := e.propose(t, d)
		for _, tc := range []struct {
			name string
			at   time.Time
			kind problem.Kind
		}{
			{"before it opens", p.OpensAt.Add(-time.Millisecond), problem.Conflict},
			{"as it opens", p.OpensAt, ""},
			{"just before it closes", p.ClosesAt.Add(-time.Millisecond), ""},
			{"as it closes", p.ClosesAt, problem.Conflict},
			{"after it closed", p.ClosesAt.Add(time.Hour), problem.Conflict},
		} {
			_, err := e.g.Vote(t.Context(), e.ids["bob"], p.ID, 0, tc.at)
			if tc.kind == "" && err != nil || tc.kind != "" && !problem.Is(err, tc.kind) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.kind)
			}
		}
		e.decide(t, p)
		if _, err := e.g.Vote(t.Context(), e.ids["ada"], p.ID, 0, p.ClosesAt.Add(-time.Minute)); !problem.Is(err, problem.Conflict) {
			t.Fatalf("vote on a decided proposal (with a slow clock): %v", err)
		}
		if n := countEvents(t, db, "vote.cast"); n != 2 {
			t.Fatalf("%d vote.cast events, want the 2 accepted votes", n)
		}
	})
}

// TestVoteAgainReplaces: a member who votes twice has one vote, the last;
// the second event names the first.
func TestVoteAgainReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob")
		p := e.propose(t, e.draft(govern.PerMember, "yes", "no"))
		first := e.vote(t, "ada", p, 0)
		e.now = e.now.Add(time.Hour)
		second := e.vote(t, "ada", p, 1)
		mine, ok, err := e.g.MyVote(t.Context(), e.ids["ada"], p.ID)
		if err != nil || !ok || mine != second || mine.Option != 1 || !mine.CastAt.Equal(e.now) {
			t.Fatalf("my vote = %+v (%v, %v), want %+v", mine, ok, err, second)
		}
		if _, ok, _ := e.g.MyVote(t.Context(), e.ids["bob"], p.ID); ok {
			t.Fatal("bob has a vote he never cast")
		}
		var content []byte
		db.Read().QueryRowContext(t.Context(), `SELECT content FROM ledger_events WHERE event_id = $1`, second.EventID).Scan(&content)
		var c struct {
			Option   int    `json:"option"`
			Replaces string `json:"replaces"`
		}
		if err := json.Unmarshal(content, &c); err != nil || c.Option != 1 || c.Replaces != first.EventID {
			t.Fatalf("second vote's content %s (%v) should replace %s", content, err, first.EventID)
		}
		decided := e.decide(t, p)
		if r := decided.Result; r.Voters != 1 || r.Options[0].Votes != 0 || r.Options[1].Votes != 1 {
			t.Fatalf("result counts the changed vote wrongly: %+v", r)
		}
	})
}

// TestVoteWeights: shares of 1, 4 and 9 weigh 1, 1, 1 per member; 1, 4,
// 9 by shares; 1, 2, 3 quadratically. Without shares a member votes per
// member but not by shares.
func TestVoteWeights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan")
		e.giveShares(t, map[string]int64{"ada": 1, "bob": 4, "carol": 9})
		for _, tc := range []struct {
			mode govern.Mode
			want map[string]float64 // -1: refused
		}{
			{govern.PerMember, map[string]float64{"ada": 1, "bob": 1, "carol": 1, "dan": 1}},
			{govern.PerShare, map[string]float64{"ada": 1, "bob": 4, "carol": 9, "dan": -1}},
			{govern.Quadratic, map[string]float64{"ada": 1, "bob": 2, "carol": 3, "dan": -1}},
		} {
			p := e.propose(t, e.draft(tc.mode, "yes", "no"))
			for name, want := range tc.want {
				v, err := e.g.Vote(t.Context(), e.ids[name], p.ID, 0, e.now)
				switch {
				case want < 0 && !problem.Is(err, problem.Forbidden):
					t.Errorf("%s: %s without shares: %v, want forbidden", tc.mode, name, err)
				case want >= 0 && (err != nil || v.Weight != want):
					t.Errorf("%s: %s's vote weighs %v (%v), want %v", tc.mode, name, v.Weight, err, want)
				}
			}
		}
	})
}

func TestVoteMistakes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada")
		p := e.propose(t, e.draft(govern.PerMember, "yes", "no"))
		for _, tc := range []struct {
			name     string
			proposal int64
			option   int
			kind     problem.Kind
		}{
			{"negative option", p.ID, -1, problem.Invalid},
			{"option past the end", p.ID, 2, problem.Invalid},
			{"no such proposal", p.ID + 1, 0, problem.NotFound},
		} {
			if _, err := e.g.Vote(t.Context(), e.ids["ada"], tc.proposal, tc.option, e.now); !problem.Is(err, tc.kind) {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.kind)
			}
		}
		if n := countEvents(t, db, "vote.cast"); n != 0 {
			t.Fatalf("refused votes left %d events", n)
		}
	})
}

func countEvents(t *testing.T, db *store.DB, typ string) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events WHERE type = $1`, typ).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
