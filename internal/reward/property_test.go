package reward_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestMoneyProperties runs random sequences of the operations that move
// money — deposits, escrow funding, task pay and top-ups, model calls
// split among contributors, builder and treasury, automation runs escrowed
// and settled or refunded, recording rewards from the treasury, epoch
// closes, funding rounds (pledges into escrow, closed met — costs to the
// builder, the rest back pro rata — or unmet — every pledge back — and
// calls that pay the funders of a met round), and raw transfers as a buggy or hostile caller would make them —
// with amounts drawn from the extremes (0, 1, negative, each range's
// maximum and one beyond, MaxInt64, MinInt64) as well as ordinary ones.
// After every step it checks that
//   - every event's postings sum to zero (added up checked),
//   - no account but funding: and issue: accounts is negative,
//   - every balance query answers, and each running balance equals the
//     exact (big-integer) sum of the account's postings,
//   - the treasury never pays a caller for a call: in every model call's
//     event the caller's posting is ≤ 0 and the treasury's ≥ 0,
//   - a refused operation leaves no event behind.
//
// The seed is logged; ALLMENDE_PROPERTY_SEED replays one.
func TestMoneyProperties(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ALLMENDE_PROPERTY_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (ALLMENDE_PROPERTY_SEED=%d replays it)", seed, seed)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newProperty(t, db, seed)
		// A thousand steps, and more (up to 2,000) until the sequence
		// has made enough calls, paid funders in one and closed rounds:
		// which operations succeed depends on the seed.
		for step := 0; step < 1000 || (step < 2000 && (len(p.calls) < 10 || p.funded < 1 || p.rounds < 5)); step++ {
			p.step(t, step)
		}
		t.Logf("%s: %d operations done, %d refused; %d calls, %d of them paying funders; %d funding rounds closed", db.Dialect(), p.done, p.refused, len(p.calls), p.funded, p.rounds)
		if p.done < 200 || p.refused < 200 || len(p.calls) < 10 || p.funded < 1 || p.rounds < 5 {
			t.Fatalf("the sequence did not exercise both paths: %d done, %d refused, %d calls, %d paying funders, %d rounds closed", p.done, p.refused, len(p.calls), p.funded, p.rounds)
		}
	})
}

const (
	client    = "member:m-client"
	builder   = "member:m-builder"
	projectEs = "escrow:project:1"
	runEs     = "escrow:run:1"
	fundingEs = "escrow:funding:1"
)

var (
	members  = []string{"m-client", "m-builder", "m-a", "m-b"}
	accounts = []string{"funding:client:m-client", "funding:requester:m-r", client, builder, "member:m-a", "member:m-b",
		reward.Treasury, projectEs, runEs, fundingEs, reward.SharesIssue, "shares:m-a", "shares:m-b", "shares:m-client", "shares:m-builder"}
)

type property struct {
	db      *store.DB
	r       *reward.Service
	params  *coop.Params
	rng     *rand.Rand
	ids     map[string]int64
	calls   map[string]bool // event ids of model calls
	done    int
	refused int
	clock   time.Time
	// pledges are the open round's pledges by account; funders and
	// stakes, once a round met its goal, who every later call pays, and
	// fbp their share.
	pledges map[string]int64
	funders []string
	stakes  []int64
	fbp     int64
	// funded counts the calls that paid funders, and rounds the rounds
	// closed either way.
	funded, rounds int
}

func newProperty(t *testing.T, db *store.DB, seed uint64) *property {
	p := &property{db: db, r: reward.NewService(db, ledger.New(db)), params: coop.New(db), rng: rand.New(rand.NewPCG(seed, 11)),
		ids: map[string]int64{}, calls: map[string]bool{}, pledges: map[string]int64{}, clock: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	for _, m := range members {
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			var id int64
			err := tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', 'member', 0) RETURNING id`,
				m, m+"@example.org", m).Scan(&id)
			p.ids[m] = id
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := p.r.CloseEpoch(t.Context(), steward, p.params, p.clock); err != nil { // opens the first
		t.Fatal(err)
	}
	return p
}

// amount draws an amount: often an extreme, otherwise an ordinary one.
func (p *property) amount() int64 {
	switch p.rng.IntN(16) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return -1 - p.rng.Int64N(1000)
	case 3:
		return math.MaxInt64
	case 4:
		return math.MinInt64
	case 5:
		return points.MaxTransfer
	case 6:
		return points.MaxTransfer + 1
	case 7:
		return points.MaxBudget
	case 8:
		return points.MaxCharge
	case 9:
		return points.MaxCharge + 1
	case 10:
		return points.MaxDeposit
	default:
		return 1 + p.rng.Int64N(5000)
	}
}

func (p *property) basisPoints() int64 {
	return []int64{0, 1000, 7000, 10000, 10001, -1, math.MaxInt64, p.rng.Int64N(10001)}[p.rng.IntN(8)]
}

// transfer records one event in its own transaction.
func (p *property) transfer(t *testing.T, typ ledger.Type, scope string, postings ...ledger.Posting) (string, error) {
	var id string
	err := p.db.InTx(t.Context(), func(tx *store.Tx) error {
		var err error
		id, err = p.r.Transfer(t.Context(), tx, ledger.Event{Type: typ, Scope: scope, Postings: postings})
		return err
	})
	return id, err
}

func move(from, to string, amount int64) []ledger.Posting {
	return []ledger.Posting{{Account: from, Amount: -amount}, {Account: to, Amount: amount}}
}

func (p *property) worker() string { return []string{"member:m-a", "member:m-b"}[p.rng.IntN(2)] }

// step applies one random operation and checks the invariants.
func (p *property) step(t *testing.T, step int) {
	ctx := t.Context()
	switch p.rng.IntN(12) {
	case 0:
		p.attempt(t, step, "deposit", func() error {
			_, err := p.transfer(t, ledger.FundsDeposited, "", move("funding:client:m-client", client, p.amount())...)
			return err
		})
	case 1:
		p.attempt(t, step, "fund the escrow", func() error {
			_, err := p.transfer(t, ledger.EscrowFunded, "project:1", move("funding:requester:m-r", projectEs, p.amount())...)
			return err
		})
	case 2:
		p.attempt(t, step, "pay a task", func() error {
			_, err := p.transfer(t, ledger.TaskPaid, "project:1", move(projectEs, p.worker(), p.amount())...)
			return err
		})
	case 3:
		// A top-up to the floor: what is due for the median time, at
		// most what the escrow holds.
		p.attempt(t, step, "top up", func() error {
			due, err := points.MulDivUp(p.amount(), p.amount(), 3_600_000)
			if err != nil {
				return err
			}
			held, err := p.r.Balance(ctx, projectEs)
			if err != nil {
				t.Fatalf("step %d: escrow balance: %v", step, err)
			}
			_, err = p.transfer(t, ledger.TaskPaid, "project:1", move(projectEs, p.worker(), min(due, held))...)
			return err
		})
	case 4, 5:
		p.attempt(t, step, "model call", func() error { return p.call(t, step) })
	case 6:
		// A run escrows its price from the client, then settles it: split
		// between the author and the treasury, or refunded.
		p.attempt(t, step, "escrow a run", func() error {
			_, err := p.transfer(t, ledger.RunEscrowed, "automation:x", move(client, runEs, p.amount())...)
			return err
		})
		p.attempt(t, step, "settle a run", func() error { return p.settle(t) })
	case 7:
		p.attempt(t, step, "pay a recording", func() error {
			_, err := p.transfer(t, ledger.RecordingPaid, "", move(reward.Treasury, p.worker(), p.amount())...)
			return err
		})
	case 8:
		p.attempt(t, step, "close the epoch", func() error {
			pps := []int64{1, 100, 1_000_000, 0, math.MaxInt64}[p.rng.IntN(5)]
			if e := p.db.InTx(ctx, func(tx *store.Tx) error { return p.params.Set(ctx, tx, coop.PointsPerShare, pps) }); e != nil && pps >= 1 && pps <= 1_000_000 {
				t.Fatalf("step %d: points per share %d refused: %v", step, pps, e)
			}
			p.clock = p.clock.Add(time.Hour)
			if _, _, err := p.r.CloseEpoch(ctx, steward, p.params, p.clock); err != nil {
				t.Fatalf("step %d: the epoch close failed: %v", step, err)
			}
			return nil
		})
	case 9:
		p.attempt(t, step, "raw transfer", func() error {
			n := 2 + p.rng.IntN(3)
			var postings []ledger.Posting
			var sum int64
			for i := range n {
				a := p.amount()
				if i == n-1 && p.rng.IntN(3) > 0 {
					a = -sum // balanced, if it does not wrap
				}
				sum += a // wraps on purpose: Transfer must not be fooled
				postings = append(postings, ledger.Posting{Account: accounts[p.rng.IntN(len(accounts))], Amount: a})
			}
			_, err := p.transfer(t, ledger.RewardSplit, "", postings...)
			return err
		})
	case 10:
		p.attempt(t, step, "pledge", func() error {
			from := []string{client, "member:m-a", "member:m-b"}[p.rng.IntN(3)]
			amount := p.amount()
			_, err := p.transfer(t, ledger.FundingPledged, "funding:1", move(from, fundingEs, amount)...)
			if err == nil {
				p.pledges[from] += amount
			}
			return err
		})
	case 11:
		p.attempt(t, step, "close the round", func() error { return p.closeRound(t, step) })
	}
}

// closeRound closes the funding round as model.CloseRound does: met, the
// escrow pays the builder's costs and returns the rest pro rata to the
// pledges; missed, it returns every pledge. What the escrow holds may
// differ from the pledges (a raw transfer took from it): then the close
// is refused or pays what it can, and the round is over either way.
func (p *property) closeRound(t *testing.T, step int) error {
	defer func() { p.pledges = map[string]int64{} }()
	held, err := p.r.Balance(t.Context(), fundingEs)
	if err != nil {
		t.Fatalf("step %d: funding escrow: %v", step, err)
	}
	var funders []string
	var stakes []int64
	for _, m := range []string{client, "member:m-a", "member:m-b"} {
		if p.pledges[m] > 0 {
			funders, stakes = append(funders, m), append(stakes, p.pledges[m])
		}
	}
	if p.rng.IntN(2) == 0 {
		var postings []ledger.Posting
		for i, f := range funders {
			postings = append(postings, ledger.Posting{Account: f, Amount: stakes[i]})
		}
		var sum int64
		for _, s := range stakes {
			sum += s // each pledge landed: the sum is what the escrow received
		}
		_, err := p.transfer(t, ledger.FundingRefunded, "funding:1", append(postings, ledger.Posting{Account: fundingEs, Amount: -sum})...)
		if err == nil {
			p.rounds++
		}
		return err
	}
	costs := min(max(p.amount(), 0), held)
	parts, err := reward.ProRata(held-costs, stakes)
	if err != nil {
		return err
	}
	amounts := map[string]int64{builder: costs}
	for i, f := range funders {
		amounts[f] += parts[i]
	}
	postings := []ledger.Posting{{Account: fundingEs, Amount: -held}}
	for _, a := range []string{client, builder, "member:m-a", "member:m-b"} {
		if amounts[a] != 0 {
			postings = append(postings, ledger.Posting{Account: a, Amount: amounts[a]})
		}
	}
	if _, err := p.transfer(t, ledger.FundingMet, "funding:1", postings...); err != nil {
		return err
	}
	if b, err := p.r.Balance(t.Context(), fundingEs); err != nil || b != 0 {
		t.Fatalf("step %d: a met round's escrow holds %d after its close (%v)", step, b, err)
	}
	p.funders, p.stakes, p.fbp = funders, stakes, p.basisPoints()
	p.rounds++
	return nil
}

// attempt runs one operation, counts it as done or refused, checks that a
// refused one recorded no event, and then checks the invariants.
func (p *property) attempt(t *testing.T, step int, op string, do func() error) {
	t.Helper()
	before := p.events(t)
	if err := do(); err != nil {
		p.refused++
		if after := p.events(t); after != before {
			t.Fatalf("step %d (%s): refused (%v) but %d events were recorded", step, op, err, after-before)
		}
	} else {
		p.done++
	}
	p.check(t, step, op)
}

// call is a model call as model.Complete makes it: a charge split among
// the records' contributors (the caller may be one, and the builder),
// the builder and the treasury.
func (p *property) call(t *testing.T, step int) error {
	charge := p.amount()
	if p.rng.IntN(2) == 0 {
		charge = p.rng.Int64N(5000)
	}
	weights := make([]float64, p.rng.IntN(4))
	contributors := make([]string, len(weights))
	for i := range weights {
		weights[i] = []float64{0, 1, 1e-300, 1e300, math.Inf(1), math.NaN(), -1, p.rng.Float64()}[p.rng.IntN(8)]
		contributors[i] = []string{"member:m-a", "member:m-b", client}[p.rng.IntN(3)]
	}
	b := builder
	if p.rng.IntN(5) == 0 {
		b = client // a client calling their own model
	}
	cbp, tbp := p.basisPoints(), p.basisPoints()
	if (p.fbp < 0 || p.fbp > points.BasisPoints) && p.rng.IntN(8) == 0 {
		// A funders' share out of range is drawn anew now and then, not
		// only when a round is met: a sequence whose last met round drew
		// one could otherwise make no more calls (a seed once made 9 in
		// 2,000 steps).
		p.fbp = p.basisPoints()
	}
	sp, postings, err := reward.Postings(reward.Payment{Payer: client, Total: charge, ContributorBP: cbp, Contributors: contributors, Weights: weights,
		TreasuryBP: tbp, Rest: b, FunderBP: p.fbp, Funders: p.funders, Stakes: p.stakes})
	if err != nil {
		fine := p.fbp >= 0 && p.fbp <= points.BasisPoints
		if fine && charge >= 0 && charge <= points.MaxCharge && cbp >= 0 && cbp <= points.BasisPoints && tbp >= 0 && tbp <= points.BasisPoints {
			t.Fatalf("step %d: a sound call makes no postings: %v", step, err)
		}
		return err
	}
	if len(postings) == 0 {
		return errors.New("a free call moves nothing")
	}
	// The funders' part comes out of the builder's, never out of the
	// contributors' or the treasury's share.
	if ceiling, _ := points.MulDiv(charge, p.fbp, points.BasisPoints); sp.FunderTotal > ceiling || sp.Rest < 0 {
		t.Fatalf("step %d: funders got %d of %d at %d basis points; the builder %d", step, sp.FunderTotal, charge, p.fbp, sp.Rest)
	}
	id, err := p.transfer(t, ledger.RewardSplit, "model:1", postings...)
	if err == nil {
		p.calls[id] = true
		if sp.FunderTotal > 0 {
			p.funded++
		}
	}
	return err
}

// settle settles what the run escrow holds: refunded to the client, or
// split between the author and the treasury by the author's share.
func (p *property) settle(t *testing.T) error {
	held, err := p.r.Balance(t.Context(), runEs)
	if err != nil {
		t.Fatalf("run escrow: %v", err)
	}
	if p.rng.IntN(2) == 0 {
		_, err = p.transfer(t, ledger.RunRefunded, "automation:x", move(runEs, client, held)...)
		return err
	}
	_, postings, err := reward.Postings(reward.Payment{Payer: runEs, Total: held, TreasuryBP: points.BasisPoints - p.basisPoints(), Rest: "member:m-a"})
	if err != nil {
		return err
	}
	_, err = p.transfer(t, ledger.RewardSplit, "automation:x", postings...)
	return err
}

func (p *property) events(t *testing.T) int {
	var n int
	if err := p.db.Read().QueryRowContext(t.Context(), `SELECT count(*) FROM ledger_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// check verifies the invariants over the whole ledger.
func (p *property) check(t *testing.T, step int, op string) {
	ctx := t.Context()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d (%s): %s", step, op, fmt.Sprintf(format, args...))
	}
	rows, err := p.db.Read().QueryContext(ctx, `SELECT event_id, account, amount FROM postings ORDER BY id`)
	if err != nil {
		fail("read postings: %v", err)
	}
	byEvent := map[string][]int64{}
	sums := map[string]*big.Int{}
	for rows.Next() {
		var ev, account string
		var amount int64
		if err := rows.Scan(&ev, &account, &amount); err != nil {
			fail("read postings: %v", err)
		}
		byEvent[ev] = append(byEvent[ev], amount)
		if sums[account] == nil {
			sums[account] = new(big.Int)
		}
		sums[account].Add(sums[account], big.NewInt(amount))
		if p.calls[ev] {
			if account == client && amount > 0 {
				fail("call %s pays its caller %d", ev, amount)
			}
			if account == reward.Treasury && amount < 0 {
				fail("the treasury pays %d for call %s", -amount, ev)
			}
		}
	}
	if err := rows.Close(); err != nil {
		fail("read postings: %v", err)
	}
	for ev, amounts := range byEvent {
		if s, err := points.Sum(amounts...); err != nil || s != 0 {
			fail("event %s's postings %v sum to %d (%v)", ev, amounts, s, err)
		}
	}
	for account, sum := range sums {
		b, err := p.r.Balance(ctx, account)
		if err != nil {
			fail("balance of %s: %v", account, err)
		}
		if !sum.IsInt64() || sum.Int64() != b {
			fail("%s: running balance %d, postings sum to %s", account, b, sum)
		}
		if b < 0 && !strings.HasPrefix(account, "funding:") && !strings.HasPrefix(account, "issue:") {
			fail("%s holds %d", account, b)
		}
	}
	for _, m := range members {
		if _, err := p.r.Shares(ctx, p.ids[m]); err != nil {
			fail("shares of %s: %v", m, err)
		}
		if pending, err := p.r.PendingPoints(ctx, p.ids[m]); err != nil || pending < 0 {
			fail("pending points of %s: %d, %v", m, pending, err)
		}
		if _, _, err := p.r.MemberEpochs(ctx, p.ids[m], store.Page{Limit: 10}); err != nil {
			fail("epochs of %s: %v", m, err)
		}
	}
	if _, err := reward.ShareHoldings(ctx, p.db.Read()); err != nil {
		fail("share holdings: %v", err)
	}
	if _, err := p.r.Epochs(ctx, 10); err != nil {
		fail("epochs: %v", err)
	}
}
