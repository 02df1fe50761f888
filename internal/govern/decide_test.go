package govern_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// payFloorProposal is a binding proposal on the pay floor (now 1500) with
// the given values; nil is "keep it".
func (e *env) payFloorProposal(t *testing.T, mode govern.Mode, quorum float64, values ...*int64) govern.Proposal {
	t.Helper()
	d := govern.Draft{Title: "Pay floor", Text: "Set the pay floor per hour.", Mode: mode, Param: coop.PayFloor, Quorum: quorum,
		ClosesAt: e.now.Add(3 * 24 * time.Hour)}
	for _, v := range values {
		label := "keep"
		if v != nil {
			label = fmt.Sprint(*v)
		}
		d.Options = append(d.Options, govern.Option{Label: label, Value: v})
	}
	return e.propose(t, d)
}

func (e *env) payFloor(t *testing.T) int64 {
	t.Helper()
	v, err := e.params.Get(t.Context(), nil, coop.PayFloor)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBindingDecisions: a binding proposal that passes sets its parameter
// (and the next Params.Get returns the new value); one the status quo
// wins, one short of its quorum, and one whose leaders tie change nothing.
func TestBindingDecisions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []*int64
		votes  map[string]int // member → option
		quorum float64
		status govern.Status
		winner int
		floor  int64
	}{
		{"passes", []*int64{ptr(2000), nil}, map[string]int{"ada": 0, "bob": 0, "carol": 1}, 0.5, govern.Passed, 0, 2000},
		{"status quo wins", []*int64{ptr(2000), nil}, map[string]int{"ada": 0, "bob": 1, "carol": 1}, 0.5, govern.Rejected, 1, 1500},
		{"no quorum", []*int64{ptr(2000), nil}, map[string]int{"ada": 0}, 0.5, govern.NoQuorum, -1, 1500},
		{"tie between two raises", []*int64{ptr(2000), ptr(1800), nil}, map[string]int{"ada": 0, "bob": 1}, 0.5, govern.Rejected, -1, 1500},
		{"plurality of three", []*int64{ptr(2000), ptr(1800), nil}, map[string]int{"ada": 1, "bob": 1, "carol": 0, "dan": 2}, 0.5, govern.Passed, 1, 1800},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db, "ada", "bob", "carol", "dan")
				p := e.payFloorProposal(t, govern.PerMember, tc.quorum, tc.values...)
				for name, option := range tc.votes {
					e.vote(t, name, p, option)
				}
				if n, err := e.g.Decide(t.Context(), p.ClosesAt.Add(-time.Millisecond)); err != nil || n != 0 {
					t.Fatalf("decided %d (%v) before the window closed", n, err)
				}
				got := e.decide(t, p)
				r := got.Result
				if got.Status != tc.status || r == nil || r.Status != tc.status || r.Winner != tc.winner {
					t.Fatalf("status %s, result %+v; want %s won by %d", got.Status, r, tc.status, tc.winner)
				}
				if r.Voters != len(tc.votes) || r.Electorate != 4 || r.Turnout != float64(len(tc.votes))/4 {
					t.Fatalf("result %+v: %d voters of 4", r, len(tc.votes))
				}
				// A passed change waits out the timelock (48 hours by
				// default) and then applies, once.
				if tc.status == govern.Passed {
					c := got.Change
					if r.Param != coop.PayFloor || !r.AppliesAt.Equal(p.ClosesAt.Add(48*time.Hour)) || c == nil || c.State != govern.Queued || c.Value != tc.floor {
						t.Fatalf("result %+v, change %+v: want the change queued for 48 hours", r, c)
					}
					if floor := e.payFloor(t); floor != 1500 {
						t.Fatalf("pay floor %d while the change waits", floor)
					}
					if _, err := e.g.Decide(t.Context(), c.AppliesAt.Add(-time.Millisecond)); err != nil {
						t.Fatal(err)
					}
					if floor := e.payFloor(t); floor != 1500 {
						t.Fatalf("pay floor %d before the timelock ended", floor)
					}
					for range 2 {
						if _, err := e.g.Decide(t.Context(), c.AppliesAt); err != nil {
							t.Fatal(err)
						}
					}
					after, _ := e.g.Get(t.Context(), p.ID)
					if c := after.Change; c.State != govern.Applied || c.Previous == nil || *c.Previous != 1500 || !c.SettledAt.Equal(c.AppliesAt) {
						t.Fatalf("change after its timelock: %+v", c)
					}
					if n := countEvents(t, db, string(ledger.ChangeQueued)) + countEvents(t, db, string(ledger.ChangeApplied)); n != 2 {
						t.Fatalf("%d change events, want one queued and one applied", n)
					}
				} else if r.Applied != nil || got.Change != nil {
					t.Fatalf("result applied %v, change %+v without passing", r.Applied, got.Change)
				}
				if floor := e.payFloor(t); floor != tc.floor {
					t.Fatalf("pay floor %d, want %d", floor, tc.floor)
				}
				if got.DecidedAt != p.ClosesAt || got.EventID == "" {
					t.Fatalf("decided at %v, event %q", got.DecidedAt, got.EventID)
				}
				// Deciding again changes nothing and publishes nothing.
				if n, err := e.g.Decide(t.Context(), e.now.Add(time.Hour)); err != nil || n != 0 {
					t.Fatalf("second decide: %d, %v", n, err)
				}
				if n := countEvents(t, db, string(ledger.ProposalDecided)); n != 1 {
					t.Fatalf("%d proposal.decided events", n)
				}
			})
		})
	}
}

// TestModesDecideDifferently: the same votes from members holding 1, 4
// and 9 shares (and one holding none) are won by the many per member, by
// the largest holder by shares, and tie quadratically (1 + 2 = 3).
func TestModesDecideDifferently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol", "dan")
		e.giveShares(t, map[string]int64{"ada": 1, "bob": 4, "carol": 9})
		for _, tc := range []struct {
			mode             govern.Mode
			status           govern.Status
			winner           int
			cast, electorate float64
		}{
			{govern.PerMember, govern.Passed, 0, 3, 4},
			{govern.PerShare, govern.Passed, 1, 14, 14},
			{govern.Quadratic, govern.Rejected, -1, 6, 6},
		} {
			p := e.propose(t, e.draft(tc.mode, "a", "b"))
			e.vote(t, "ada", p, 0)
			e.vote(t, "bob", p, 0)
			e.vote(t, "carol", p, 1)
			r := e.decide(t, p).Result
			if r.Status != tc.status || r.Winner != tc.winner || r.Cast != tc.cast || r.Electorate != tc.electorate {
				t.Errorf("%s: %+v; want %s won by %d, %v of %v", tc.mode, r, tc.status, tc.winner, tc.cast, tc.electorate)
			}
			e.now = p.CreatedAt
		}
	})
}

// TestLedgerOfAVote: votes and the decision are ledger events of their
// types, scoped to the proposal; every event's postings sum to zero; the
// public entries name members by pseudonym only and do not reveal the
// option chosen, which the private content holds.
func TestLedgerOfAVote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, "ada", "bob", "carol")
		e.giveShares(t, map[string]int64{"ada": 2, "bob": 3})
		d := e.draft(govern.PerShare, "Plant the orchard", "Leave the meadow")
		d.Options[1].StatusQuo = true
		p := e.propose(t, d)
		e.vote(t, "ada", p, 0)
		e.vote(t, "bob", p, 1)
		e.vote(t, "bob", p, 0)
		e.decide(t, p)

		rows, err := db.Read().QueryContext(t.Context(), `SELECT type, entry, content FROM ledger_events ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		byType := map[string][]ledger.Entry{}
		var decision []byte
		for rows.Next() {
			var typ string
			var raw, content []byte
			if err := rows.Scan(&typ, &raw, &content); err != nil {
				t.Fatal(err)
			}
			en, err := ledger.ParseEntry(raw)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, po := range en.Postings {
				sum += po.Amount
			}
			if sum != 0 {
				t.Errorf("%s event's postings sum to %d", typ, sum)
			}
			for _, secret := range []string{"@", "example.org", "Plant", "orchard", "meadow"} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("public %s entry shows %q: %s", typ, secret, raw)
				}
			}
			byType[typ] = append(byType[typ], en)
			if typ == string(ledger.ProposalDecided) {
				decision = content
			}
		}
		votes := byType[string(ledger.VoteCast)]
		if len(votes) != 3 || len(byType[string(ledger.ProposalDecided)]) != 1 || len(byType[string(ledger.SharesIssued)]) != 2 {
			t.Fatalf("events by type: %v", byType)
		}
		for i, who := range []string{"m-ada", "m-bob", "m-bob"} {
			if v := votes[i]; v.Member != who || v.Scope != fmt.Sprintf("proposal:%d", p.ID) || len(v.Postings) != 0 {
				t.Errorf("vote %d = %+v", i, v)
			}
		}
		if dec := byType[string(ledger.ProposalDecided)][0]; dec.Member != "" || dec.Scope != fmt.Sprintf("proposal:%d", p.ID) {
			t.Errorf("decision entry = %+v", dec)
		}
		var c struct {
			Proposal int64         `json:"proposal"`
			Result   govern.Result `json:"result"`
		}
		if err := json.Unmarshal(decision, &c); err != nil {
			t.Fatal(err)
		}
		if c.Proposal != p.ID || c.Result.Status != govern.Passed || c.Result.Options[0].Weight != 5 || c.Result.Options[0].Votes != 2 || c.Result.Options[1].Votes != 0 {
			t.Fatalf("decision content does not hold the tally: %s", decision)
		}
	})
}

// TestVotesRacingTheCountAreCounted: votes cast up to the last
// millisecond while the proposal is being decided are either counted or
// refused; none is recorded and left out of the published count.
func TestVotesRacingTheCountAreCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		names := []string{"ada"}
		for i := range 15 {
			names = append(names, fmt.Sprintf("voter%d", i))
		}
		e := newEnv(t, db, names...)
		p := e.propose(t, e.draft(govern.PerMember, "yes", "no"))
		var wg sync.WaitGroup
		accepted := make(chan bool, len(names))
		for i, name := range names {
			wg.Go(func() {
				_, err := e.g.Vote(t.Context(), e.ids[name], p.ID, i%2, p.ClosesAt.Add(-time.Millisecond))
				accepted <- err == nil
			})
			if i == len(names)/2 {
				wg.Go(func() {
					if _, err := e.g.Decide(t.Context(), p.ClosesAt); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		close(accepted)
		n := 0
		for ok := range accepted {
			if ok {
				n++
			}
		}
		got, err := e.g.Get(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM votes WHERE proposal_id = $1`, p.ID).Scan(&rows)
		if got.Result == nil || got.Result.Voters != rows || rows != n {
			t.Fatalf("%d votes accepted, %d stored, result %+v", n, rows, got.Result)
		}
	})
}
