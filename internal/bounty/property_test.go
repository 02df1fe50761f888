package bounty_test

import (
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/bounty"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestBountyMoneyProperties runs random sequences of fund, claim, close
// and deadline steps with extreme amounts and checks, after every step,
// that every ledger event's postings sum to zero, that no escrow is
// negative, that each escrow holds exactly its budget less what it paid
// and refunded, that each member holds exactly the rewards of their
// claims and what they were given less the budgets they funded from their balance plus those
// budgets' refunds, that no balance is negative, and that no unit was paid
// twice. The seed is logged;
// ALLMENDE_PROPERTY_SEED replays one.
func TestBountyMoneyProperties(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ALLMENDE_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = n
	}
	t.Logf("seed %d (ALLMENDE_PROPERTY_SEED replays it)", seed)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		rng := rand.New(rand.NewPCG(seed, 17))
		funders := []string{"rita", "stella"}
		workers := []string{"ada", "bob", "carl"}
		amounts := []int64{1, 2, 99, 150, 1_000_000, bounty.MaxReward - 1, bounty.MaxReward, bounty.MaxBudget / 3, bounty.MaxBudget, bounty.MaxBudget + 1, -1, 0}
		pick := func() int64 { return amounts[rng.IntN(len(amounts))] }
		var bounties []int64
		var units []string
		paid, fromBalance := 0, 0
		// Workers start with a balance of their own to fund bounties from.
		given := map[string]int64{}
		for _, w := range workers {
			given[w] = []int64{0, 150, 999, bounty.MaxBudget}[rng.IntN(4)]
			if given[w] > 0 {
				e.give(t, w, given[w])
			}
		}
		steps := 120
		if db.Dialect() == store.Postgres {
			steps = 50
		}
		for step := range steps {
			switch op := rng.IntN(10); {
			case op < 2 || len(bounties) == 0:
				terms := e.parcelTerms()
				terms.Reward, terms.Budget, terms.CapPerMember = pick(), pick(), int64(1+rng.IntN(3))
				if rng.IntN(4) == 0 {
					terms.CapPerMember = bounty.MaxCap
				}
				// A third of the bounties are funded from a balance: a
				// worker's, which only what they earned fills, with budgets
				// that often fit it exactly or miss by a point.
				funder := funders[rng.IntN(2)]
				var held int64
				if rng.IntN(3) == 0 {
					funder, terms.FromBalance = workers[rng.IntN(3)], true
					held = e.balance(t, reward.MemberAccount("m-"+funder))
					if held > 0 && rng.IntN(2) == 0 {
						terms.Budget = held + int64(rng.IntN(3)) - 1
						terms.Reward = min(terms.Reward, max(1, held/2))
					}
				}
				b, err := e.s.Create(ctx, e.members[funder], terms)
				valid := terms.Reward >= 1 && terms.Reward <= bounty.MaxReward && terms.Budget >= terms.Reward && terms.Budget <= bounty.MaxBudget
				covered := !terms.FromBalance || held >= terms.Budget
				switch {
				case valid && covered && err != nil, !valid && !problem.Is(err, problem.Invalid), valid && !covered && !problem.Is(err, problem.Conflict):
					t.Fatalf("step %d: create reward %d budget %d from balance %v (holding %d): %v", step, terms.Reward, terms.Budget, terms.FromBalance, held, err)
				}
				if err == nil {
					bounties = append(bounties, b.ID)
					if terms.FromBalance {
						fromBalance++
					}
				}
			case op < 4:
				e.now = e.now.Add(time.Minute)
				units = append(units, e.recording(t, workers[rng.IntN(3)], "verified", practice))
			case op < 8 && len(units) > 0:
				// Anyone claims any unit, their own or not, often one that
				// was paid already.
				who := workers[rng.IntN(3)]
				_, err := e.s.Claim(ctx, e.members[who], bounties[rng.IntN(len(bounties))], units[rng.IntN(len(units))])
				if err == nil {
					paid++
				}
				if err != nil && !problem.Is(err, problem.Conflict) && !problem.Is(err, problem.NotFound) {
					t.Fatalf("step %d: claim: %v", step, err)
				}
			case op < 9:
				closer := funders[rng.IntN(2)]
				if rng.IntN(3) == 0 {
					closer = workers[rng.IntN(3)]
				}
				_, err := e.s.Close(ctx, e.members[closer], bounties[rng.IntN(len(bounties))])
				if err != nil && !problem.Is(err, problem.Conflict) && !problem.Is(err, problem.Forbidden) {
					t.Fatalf("step %d: close: %v", step, err)
				}
			default:
				e.now = e.now.Add(time.Duration(rng.IntN(4)) * 24 * time.Hour)
				if _, err := e.s.CloseDue(ctx); err != nil {
					t.Fatalf("step %d: close due: %v", step, err)
				}
			}
			checkMoney(t, e, bounties, given)
		}
		t.Logf("%d steps, %d bounties (%d from a balance), %d units, %d claims paid", steps, len(bounties), fromBalance, len(units), paid)
	})
}

// checkMoney checks the properties of the ledger and the bounties.
func checkMoney(t *testing.T, e *env, bounties []int64, given map[string]int64) {
	t.Helper()
	ctx := t.Context()
	q := e.db.Read()
	// Every event balances (summed exactly, in Go).
	rows, err := q.QueryContext(ctx, `SELECT event_id, amount FROM postings`)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]*big.Int{}
	for rows.Next() {
		var id string
		var amount int64
		if err := rows.Scan(&id, &amount); err != nil {
			t.Fatal(err)
		}
		if sums[id] == nil {
			sums[id] = new(big.Int)
		}
		sums[id].Add(sums[id], big.NewInt(amount))
	}
	rows.Close()
	for id, s := range sums {
		if s.Sign() != 0 {
			t.Fatalf("event %s sums to %s", id, s)
		}
	}
	// Each escrow is its budget less what it paid and refunded, never
	// below zero; a closed bounty's escrow is empty.
	for _, id := range bounties {
		b, err := e.s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		held := e.balance(t, bounty.EscrowAccount(id))
		want := new(big.Int).Sub(big.NewInt(b.Budget), new(big.Int).Mul(big.NewInt(b.Reward), big.NewInt(b.Paid)))
		want.Sub(want, big.NewInt(b.Refund))
		if held < 0 || want.Cmp(big.NewInt(held)) != 0 || (b.Status == "closed" && held != 0) {
			t.Fatalf("bounty %d (%+v) holds %d, want %s", id, b, held, want)
		}
	}
	// Each member holds the rewards of their claims, less what they put
	// into bounties from their balance and plus what came back; no unit
	// twice.
	for _, who := range []string{"ada", "bob", "carl"} {
		var n int64
		var total, funded, refunded string
		m := e.members[who]
		if err := q.QueryRowContext(ctx, `SELECT count(*), CAST(COALESCE(sum(amount), 0) AS TEXT) FROM bounty_claims WHERE member_id = $1`, m.ID).Scan(&n, &total); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT CAST(COALESCE(sum(budget), 0) AS TEXT), CAST(COALESCE(sum(refund), 0) AS TEXT) FROM bounties WHERE funder_id = $1 AND funded_from = 'balance'`,
			m.ID).Scan(&funded, &refunded); err != nil {
			t.Fatal(err)
		}
		want, _ := new(big.Int).SetString(total, 10)
		f, _ := new(big.Int).SetString(funded, 10)
		r, _ := new(big.Int).SetString(refunded, 10)
		want.Sub(want, f).Add(want, r).Add(want, big.NewInt(given[who]))
		got := e.balance(t, reward.MemberAccount(m.PublicID))
		if got < 0 || want.Cmp(big.NewInt(got)) != 0 {
			t.Fatalf("%s holds %d; given %d, their %d claims paid %s, they funded %s from their balance and got %s back", who, got, given[who], n, total, funded, refunded)
		}
	}
	var dup int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT unit FROM bounty_claims GROUP BY unit_kind, unit HAVING count(*) > 1) x`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("%d units paid twice (%v)", dup, err)
	}
}
