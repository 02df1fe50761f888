package govern_test

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestGovernProperties runs random sequences of governance's operations —
// delegating (to anyone, oneself included) and revoking, binding
// proposals with values from the limits' edges and beyond, counter-
// proposals, co-signing, votes, a steward moving the legal minimum and
// the threshold, and the decide chore at random times — and checks after
// every step that
//   - the parameters keep their limits and every rule no vote can break,
//   - no change is applied or stopped twice, and each settled change has
//     exactly one change.queued and one settling event,
//   - the stored delegations hold no circle on any topic,
//   - every ledger event's postings sum to zero (the governance events
//     move no points at all),
//   - a refused operation is a problem (4xx), never a fault.
//
// The seed is logged; ALLMENDE_PROPERTY_SEED replays one.
func TestGovernProperties(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ALLMENDE_PROPERTY_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (ALLMENDE_PROPERTY_SEED=%d replays it)", seed, seed)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		names := []string{"ada", "bob", "carol", "dan", "eve"}
		e := newEnv(t, db, names...)
		rng := rand.New(rand.NewPCG(seed, 17))
		ctx := t.Context()
		stella := member.Member{Role: member.RoleSteward}
		params := []coop.Param{coop.PayFloor, coop.ContributorShare, coop.TreasuryShare, coop.TimelockHours, coop.LegalMinimumPay}
		var proposals []int64
		pick := func() string { return names[rng.IntN(len(names))] }
		value := func(p coop.Param) int64 {
			lim := coop.Limits[p]
			return []int64{lim[0], lim[1], lim[0] - 1, lim[1] + 1, math.MaxInt64, math.MinInt64, lim[0] + rng.Int64N(lim[1]-lim[0]+1), coop.Defaults[p]}[rng.IntN(8)]
		}
		refused, done := 0, 0
		for step := range 300 {
			var err error
			switch rng.IntN(11) {
			case 0:
				_, err = e.g.Delegate(ctx, e.member(pick()), "m-"+pick(), []govern.Topic{"", govern.Topic(coop.PayFloor), govern.Topic(coop.TreasuryShare), govern.TopicModels}[rng.IntN(4)], e.now)
			case 1:
				err = e.g.Revoke(ctx, e.member(pick()), []govern.Topic{"", govern.Topic(coop.PayFloor), govern.TopicModels}[rng.IntN(3)])
			case 2, 3:
				param := params[rng.IntN(len(params))]
				d := e.binding(param, value(param))
				d.ClosesAt = e.now.Add(time.Duration(24+rng.IntN(48)) * time.Hour)
				var p govern.Proposal
				if p, err = e.g.Create(ctx, e.ids[pick()], d, e.now); err == nil {
					proposals = append(proposals, p.ID)
				}
			case 4:
				if len(proposals) > 0 {
					d := govern.Draft{Title: "Stop it", Text: "Stop.", Mode: govern.PerMember, Quorum: 0.5, Stops: proposals[rng.IntN(len(proposals))],
						ClosesAt: e.now.Add(25 * time.Hour), Options: []govern.Option{{Label: "stop"}, {Label: "let it", StatusQuo: true}}}
					var p govern.Proposal
					if p, err = e.g.Create(ctx, e.ids[pick()], d, e.now); err == nil {
						proposals = append(proposals, p.ID)
					}
				}
			case 5, 6, 7:
				// Mostly for the change, so that changes pass and queue.
				if len(proposals) > 0 {
					recent := proposals[len(proposals)-1-rng.IntN(min(3, len(proposals)))]
					_, err = e.g.Vote(ctx, e.ids[pick()], recent, min(rng.IntN(4), 2)%2, e.now)
				}
			case 10:
				if len(proposals) > 0 {
					_, err = e.g.Cosign(ctx, e.member(pick()), proposals[rng.IntN(len(proposals))], e.now)
				}
			case 8:
				param := []coop.Param{coop.LegalMinimumPay, coop.ProposalShares, coop.PayFloor}[rng.IntN(3)]
				err = e.params.SetAsSteward(ctx, stella, param, value(param))
			case 9:
				e.now = e.now.Add(time.Duration(rng.IntN(30)) * time.Hour)
				_, err = e.g.Decide(ctx, e.now)
			}
			if err != nil {
				if _, ok := problem.As(err); !ok {
					t.Fatalf("step %d: a fault, not a refusal: %v", step, err)
				}
				refused++
			} else {
				done++
			}
			checkGovernInvariants(t, e, step)
		}
		states := map[string]int{}
		rows, err := db.Read().QueryContext(ctx, `SELECT state FROM queued_changes`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			states[s]++
		}
		rows.Close()
		t.Logf("%s: %d done, %d refused, %d proposals, changes %v", db.Dialect(), done, refused, len(proposals), states)
		if done < 30 || refused < 10 {
			t.Fatalf("the sequence did not exercise both paths: %d done, %d refused", done, refused)
		}
	})
}

func checkGovernInvariants(t *testing.T, e *env, step int) {
	t.Helper()
	ctx := t.Context()
	all, err := e.params.All(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for p, v := range all {
		if lim := coop.Limits[p]; v < lim[0] || v > lim[1] {
			t.Fatalf("step %d: %s = %d outside %v", step, p, v, lim)
		}
	}
	if err := coop.Check(all); err != nil {
		t.Fatalf("step %d: the parameters break a rule: %v", step, err)
	}
	q := e.db.Read()
	// Postings sum to zero; the change events counted by proposal.
	events := map[string]map[ledger.Type]int{}
	rows, err := q.QueryContext(ctx, `SELECT entry FROM ledger_events`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		en, err := ledger.ParseEntry(raw)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, p := range en.Postings {
			sum += p.Amount
		}
		if sum != 0 {
			t.Fatalf("step %d: a %s event's postings sum to %d", step, en.Type, sum)
		}
		if events[en.Scope] == nil {
			events[en.Scope] = map[ledger.Type]int{}
		}
		events[en.Scope][ledger.Type(en.Type)]++
	}
	rows.Close()
	// Each settled change: one queued event and one settling event for its
	// scope; a queued one: the queued event only.
	rows, err = q.QueryContext(ctx, `SELECT proposal_id, state FROM queued_changes`)
	if err != nil {
		t.Fatal(err)
	}
	type change struct {
		id    int64
		state string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.state); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, c)
	}
	rows.Close()
	for _, c := range changes {
		ev := events["proposal:"+strconv.FormatInt(c.id, 10)]
		queued, applied, stopped := ev[ledger.ChangeQueued], ev[ledger.ChangeApplied], ev[ledger.ChangeStopped]
		settled := 1
		if c.state == string(govern.Queued) {
			settled = 0
		}
		if queued != 1 || applied+stopped != settled || (c.state == string(govern.Applied)) != (applied == 1) {
			t.Fatalf("step %d: change of %d is %s with %d queued, %d applied, %d stopped events", step, c.id, c.state, queued, applied, stopped)
		}
	}
	// No circle on any topic.
	rows, err = q.QueryContext(ctx, `SELECT member_id, topic, delegate_id FROM delegations`)
	if err != nil {
		t.Fatal(err)
	}
	g := map[int64]map[string]int64{}
	for rows.Next() {
		var m, d int64
		var topic string
		if err := rows.Scan(&m, &topic, &d); err != nil {
			t.Fatal(err)
		}
		if m == d {
			t.Fatalf("step %d: %d delegates to themself", step, m)
		}
		if g[m] == nil {
			g[m] = map[string]int64{}
		}
		g[m][topic] = d
	}
	rows.Close()
	for _, topic := range append([]govern.Topic{""}, govern.Topics()...) {
		for start := range g {
			seen := map[int64]bool{start: true}
			for cur := start; ; {
				next, ok := g[cur][string(topic)]
				if !ok || topic == "" {
					if next, ok = g[cur][""]; !ok {
						break
					}
				}
				if seen[next] {
					t.Fatalf("step %d: delegations go round on %q through %d", step, topic, next)
				}
				seen[next] = true
				cur = next
			}
		}
	}
}
