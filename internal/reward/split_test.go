package reward_test

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
)

// checkCall verifies what must hold of every model call's split: the parts
// are never negative and add up to the charge; the postings sum to zero;
// the caller never gains and the treasury never pays.
func checkCall(t *testing.T, payer string, charge int64, sp reward.CallSplit, postings []ledger.Posting) {
	t.Helper()
	sum := sp.Builder + sp.Treasury
	var contributors int64
	for _, p := range sp.Contributors {
		if p < 0 {
			t.Fatalf("a contributor's part is negative: %+v", sp)
		}
		contributors += p
	}
	if sp.Builder < 0 || sp.Treasury < 0 || contributors != sp.ContributorTotal || sum+contributors != charge {
		t.Fatalf("split %+v of %d", sp, charge)
	}
	amounts := make([]int64, len(postings))
	for i, p := range postings {
		amounts[i] = p.Amount
		if p.Account == payer && p.Amount > 0 {
			t.Fatalf("the call pays its caller %d: %+v", p.Amount, postings)
		}
		if p.Account == reward.Treasury && p.Amount < 0 {
			t.Fatalf("the treasury pays %d for a call: %+v", -p.Amount, postings)
		}
	}
	if s, err := points.Sum(amounts...); err != nil || s != 0 {
		t.Fatalf("postings sum to %d (%v): %+v", s, err, postings)
	}
}

func TestSplitCall(t *testing.T) {
	tests := []struct {
		name                 string
		charge, cbp, tbp     int64
		weights              []float64
		contributors         []int64
		builder, treasury    int64
		payer, builderAcct   string
		contributorAccounts  []string
		wantSplitErr, postOK bool
	}{
		{name: "the default shares", charge: 100, cbp: 7000, tbp: 1000, weights: []float64{2, 1},
			contributors: []int64{47, 23}, builder: 20, treasury: 10, postOK: true},
		{name: "nobody's record: the contributors' share goes to the treasury", charge: 100, cbp: 7000, tbp: 1000,
			contributors: []int64{}, builder: 20, treasury: 80, postOK: true},
		{name: "weights that are not positive count as nobody's", charge: 100, cbp: 7000, tbp: 1000, weights: []float64{0, math.NaN(), math.Inf(1), -1},
			contributors: []int64{0, 0, 0, 0}, builder: 20, treasury: 80, postOK: true},
		{name: "shares above the whole leave the builder nothing", charge: 100, cbp: 10000, tbp: 10000, weights: []float64{1},
			contributors: []int64{100}, builder: 0, treasury: 0, postOK: true},
		{name: "a free call", charge: 0, cbp: 7000, tbp: 1000, weights: []float64{1},
			contributors: []int64{0}, builder: 0, treasury: 0, postOK: true},
		{name: "the largest charge", charge: points.MaxCharge, cbp: 7000, tbp: 1000, weights: []float64{1, 1},
			contributors: []int64{points.MaxCharge * 7 / 20, points.MaxCharge * 7 / 20}, builder: points.MaxCharge / 5, treasury: points.MaxCharge / 10, postOK: true},
		{name: "beyond the largest charge", charge: points.MaxCharge + 1, cbp: 7000, tbp: 1000, wantSplitErr: true},
		{name: "the int64 maximum", charge: math.MaxInt64, cbp: 7000, tbp: 1000, wantSplitErr: true},
		{name: "a negative charge", charge: -989, cbp: 7000, tbp: 1000, wantSplitErr: true},
		{name: "a negative share", charge: 100, cbp: -1, tbp: 1000, wantSplitErr: true},
		{name: "a share above the whole", charge: 100, cbp: 7000, tbp: 10001, wantSplitErr: true},
		{name: "the caller is the builder and a contributor", charge: 100, cbp: 7000, tbp: 1000, weights: []float64{1, 1},
			contributors: []int64{35, 35}, builder: 20, treasury: 10, payer: "member:m-b", builderAcct: "member:m-b", contributorAccounts: []string{"member:m-b", "member:m-c"}, postOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, err := reward.SplitCall(tt.charge, tt.cbp, tt.tbp, tt.weights)
			if tt.wantSplitErr {
				if !errors.Is(err, reward.ErrBadTransfer) {
					t.Fatalf("split: %+v, %v; want refused", sp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sp.Builder != tt.builder || sp.Treasury != tt.treasury || len(sp.Contributors) != len(tt.contributors) {
				t.Fatalf("split %+v", sp)
			}
			for i := range sp.Contributors {
				if sp.Contributors[i] != tt.contributors[i] {
					t.Fatalf("split %+v, want contributors %v", sp, tt.contributors)
				}
			}
			payer, builder, accounts := tt.payer, tt.builderAcct, tt.contributorAccounts
			if payer == "" {
				payer, builder = "member:m-client", "member:m-builder"
				for i := range sp.Contributors {
					accounts = append(accounts, "member:m-c"+string(rune('a'+i)))
				}
			}
			postings, err := reward.CallPostings(payer, builder, accounts, tt.charge, sp)
			if err != nil {
				t.Fatal(err)
			}
			checkCall(t, payer, tt.charge, sp, postings)
		})
	}
	// A split that would pay the caller (a negative charge handed in
	// directly) is refused even if the parts add up.
	if _, err := reward.CallPostings("member:m-a", "member:m-b", nil, -10, reward.CallSplit{Builder: -10}); !errors.Is(err, reward.ErrBadTransfer) {
		t.Fatalf("a call that pays its caller: %v", err)
	}
}

// FuzzSplitCall checks the split's invariants for any charge, shares and
// weights, the extremes included: either it refuses, or the parts are
// non-negative, add up, and neither pay the caller nor take from the
// treasury.
func FuzzSplitCall(f *testing.F) {
	f.Add(int64(100), int64(7000), int64(1000), []byte{1, 2, 3})
	f.Add(int64(math.MaxInt64), int64(10000), int64(10000), []byte{})
	f.Add(points.MaxCharge, int64(0), int64(10000), []byte{255, 255, 255, 255, 255, 255, 239, 127})
	f.Fuzz(func(t *testing.T, charge, cbp, tbp int64, raw []byte) {
		var weights []float64
		for len(raw) >= 8 && len(weights) < 50 {
			weights = append(weights, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		sp, err := reward.SplitCall(charge, cbp, tbp, weights)
		if err != nil {
			if charge >= 0 && charge <= points.MaxCharge && cbp >= 0 && cbp <= 10000 && tbp >= 0 && tbp <= 10000 {
				t.Fatalf("a sound split refused: %v", err)
			}
			return
		}
		accounts := make([]string, len(weights))
		for i := range accounts {
			accounts[i] = "member:m-" + string(rune('a'+i%3)) // the caller among them
		}
		postings, err := reward.CallPostings("member:m-a", "member:m-b", accounts, charge, sp)
		if err != nil {
			t.Fatalf("postings: %v", err)
		}
		checkCall(t, "member:m-a", charge, sp, postings)
	})
}
