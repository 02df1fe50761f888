package reward_test

import (
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
)

// checkCall verifies what must hold of every payment's split: the parts
// are never negative and add up to the charge; the postings sum to zero;
// the caller never gains and the treasury never pays.
func checkCall(t *testing.T, payer string, charge int64, sp reward.Split, postings []ledger.Posting) {
	t.Helper()
	sum := sp.Rest + sp.Treasury
	var contributors int64
	for _, p := range sp.Contributors {
		if p < 0 {
			t.Fatalf("a contributor's part is negative: %+v", sp)
		}
		contributors += p
	}
	var funders int64
	for _, p := range sp.Funders {
		if p < 0 {
			t.Fatalf("a funder's part is negative: %+v", sp)
		}
		funders += p
	}
	if sp.Rest < 0 || sp.Treasury < 0 || contributors != sp.ContributorTotal || funders != sp.FunderTotal || sum+contributors+funders != charge {
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

// TestPostingsOfACall divides model calls' charges: contributors by
// weight, the treasury, the builder the rest.
func TestPostingsOfACall(t *testing.T) {
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
			payer, builder, accounts := tt.payer, tt.builderAcct, tt.contributorAccounts
			if payer == "" {
				payer, builder = "member:m-client", "member:m-builder"
				for i := range tt.weights {
					accounts = append(accounts, "member:m-c"+string(rune('a'+i)))
				}
			}
			sp, postings, err := reward.Postings(reward.Payment{Payer: payer, Total: tt.charge, ContributorBP: tt.cbp, Contributors: accounts, Weights: tt.weights,
				TreasuryBP: tt.tbp, Rest: builder})
			if tt.wantSplitErr {
				if !errors.Is(err, reward.ErrBadTransfer) {
					t.Fatalf("split: %+v, %v; want refused", sp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sp.Rest != tt.builder || sp.Treasury != tt.treasury || len(sp.Contributors) != len(tt.contributors) {
				t.Fatalf("split %+v", sp)
			}
			for i := range sp.Contributors {
				if sp.Contributors[i] != tt.contributors[i] {
					t.Fatalf("split %+v, want contributors %v", sp, tt.contributors)
				}
			}
			checkCall(t, payer, tt.charge, sp, postings)
		})
	}
	// Accounts and weights that do not pair up are refused.
	if _, _, err := reward.Postings(reward.Payment{Payer: "member:m-a", Total: 10, ContributorBP: 5000, Contributors: []string{"member:m-b"}, Rest: "member:m-c"}); !errors.Is(err, reward.ErrBadTransfer) {
		t.Fatalf("one contributor without a weight: %v", err)
	}
	// A payment out of the treasury is refused: the treasury would pay.
	if _, _, err := reward.Postings(reward.Payment{Payer: reward.Treasury, Total: 10, TreasuryBP: 1000, Rest: "member:m-b"}); !errors.Is(err, reward.ErrBadTransfer) {
		t.Fatalf("a payment that the treasury makes: %v", err)
	}
}

// TestPostingsOfARun divides automation runs' prices as action settles
// them: the treasury's share rounded down, the author the rest, nothing
// to contributors.
func TestPostingsOfARun(t *testing.T) {
	const escrow, author = "escrow:run:7", "member:m-author"
	tests := []struct {
		name                     string
		held, authorBP           int64
		rest                     string
		want                     []ledger.Posting
		wantAuthor, wantTreasury int64
	}{
		{name: "the default share", held: 100, authorBP: 8000, rest: author, wantAuthor: 80, wantTreasury: 20,
			want: []ledger.Posting{{Account: escrow, Amount: -100}, {Account: author, Amount: 80}, {Account: reward.Treasury, Amount: 20}}},
		{name: "the treasury's share is rounded down", held: 7, authorBP: 7000, rest: author, wantAuthor: 5, wantTreasury: 2,
			want: []ledger.Posting{{Account: escrow, Amount: -7}, {Account: author, Amount: 5}, {Account: reward.Treasury, Amount: 2}}},
		{name: "the author gets the rounding, as a model's builder does", held: 10, authorBP: 8100, rest: author, wantAuthor: 9, wantTreasury: 1,
			want: []ledger.Posting{{Account: escrow, Amount: -10}, {Account: author, Amount: 9}, {Account: reward.Treasury, Amount: 1}}},
		{name: "all to the author", held: 9, authorBP: 10000, rest: author, wantAuthor: 9,
			want: []ledger.Posting{{Account: escrow, Amount: -9}, {Account: author, Amount: 9}}},
		{name: "all to the treasury", held: 9, authorBP: 0, rest: author, wantTreasury: 9,
			want: []ledger.Posting{{Account: escrow, Amount: -9}, {Account: reward.Treasury, Amount: 9}}},
		{name: "the author left: their part stays with the cooperative", held: 100, authorBP: 8000, rest: reward.Treasury, wantAuthor: 80, wantTreasury: 20,
			want: []ledger.Posting{{Account: escrow, Amount: -100}, {Account: reward.Treasury, Amount: 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, postings, err := reward.Postings(reward.Payment{Payer: escrow, Total: tt.held, TreasuryBP: points.BasisPoints - tt.authorBP, Rest: tt.rest})
			if err != nil {
				t.Fatal(err)
			}
			if sp.Rest != tt.wantAuthor || sp.Treasury != tt.wantTreasury || sp.ContributorTotal != 0 {
				t.Fatalf("split %+v, want author %d and treasury %d", sp, tt.wantAuthor, tt.wantTreasury)
			}
			if !slices.Equal(postings, tt.want) {
				t.Fatalf("postings %+v, want %+v", postings, tt.want)
			}
			checkCall(t, escrow, tt.held, sp, postings)
		})
	}
}

// FuzzPostings checks the split's invariants for any charge, shares and
// weights, the extremes included: either it refuses, or the parts are
// non-negative, add up, and neither pay the caller nor take from the
// treasury.
func FuzzPostings(f *testing.F) {
	f.Add(int64(100), int64(7000), int64(1000), []byte{1, 2, 3})
	f.Add(int64(math.MaxInt64), int64(10000), int64(10000), []byte{})
	f.Add(points.MaxCharge, int64(0), int64(10000), []byte{255, 255, 255, 255, 255, 255, 239, 127})
	f.Fuzz(func(t *testing.T, charge, cbp, tbp int64, raw []byte) {
		var weights []float64
		for len(raw) >= 8 && len(weights) < 50 {
			weights = append(weights, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		accounts := make([]string, len(weights))
		for i := range accounts {
			accounts[i] = "member:m-" + string(rune('a'+i%3)) // the caller among them
		}
		sp, postings, err := reward.Postings(reward.Payment{Payer: "member:m-a", Total: charge, ContributorBP: cbp, Contributors: accounts, Weights: weights,
			TreasuryBP: tbp, Rest: "member:m-b"})
		if err != nil {
			if charge >= 0 && charge <= points.MaxCharge && cbp >= 0 && cbp <= 10000 && tbp >= 0 && tbp <= 10000 {
				t.Fatalf("a sound split refused: %v", err)
			}
			return
		}
		checkCall(t, "member:m-a", charge, sp, postings)
	})
}

// TestPostingsPayFunders divides calls of a model whose funding round met
// its goal: the funders' share comes out of the builder's part, pro rata
// to the pledges, and never out of the contributors' or the treasury's.
func TestPostingsPayFunders(t *testing.T) {
	tests := []struct {
		name                            string
		charge, cbp, tbp, fbp           int64
		stakes                          []int64
		funders                         []int64
		contributors, builder, treasury int64
		wantErr                         bool
	}{
		{name: "two funders, 2:1", charge: 1000, cbp: 7000, tbp: 1000, fbp: 1500, stakes: []int64{200, 100},
			funders: []int64{100, 50}, contributors: 700, builder: 50, treasury: 100},
		{name: "largest remainder: 10 among three equal", charge: 100, cbp: 0, tbp: 0, fbp: 1000, stakes: []int64{7, 7, 7},
			funders: []int64{4, 3, 3}, builder: 90},
		{name: "the funders' share is capped by the builder's part", charge: 100, cbp: 7000, tbp: 2000, fbp: 5000, stakes: []int64{1},
			funders: []int64{10}, contributors: 70, builder: 0, treasury: 20},
		{name: "shares above the whole leave the funders nothing", charge: 100, cbp: 10000, tbp: 10000, fbp: 10000, stakes: []int64{1, 2},
			funders: []int64{0, 0}, contributors: 100},
		{name: "the largest charge, the largest pledges", charge: points.MaxCharge, cbp: 0, tbp: 0, fbp: 10000, stakes: []int64{points.MaxBudget, points.MaxBudget, 1},
			funders: []int64{500_500_000_000, 500_500_000_000, 0}}, // 500,499,999,999.75 each and 0.5
		{name: "a share above the whole", charge: 100, fbp: 10001, stakes: []int64{1}, wantErr: true},
		{name: "a negative share", charge: 100, fbp: -1, stakes: []int64{1}, wantErr: true},
		{name: "a stake of nothing", charge: 100, fbp: 1000, stakes: []int64{0}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accounts := make([]string, len(tt.stakes))
			for i := range accounts {
				accounts[i] = "member:m-f" + string(rune('a'+i))
			}
			weights, contributors := []float64{}, []string{}
			if tt.cbp > 0 {
				weights, contributors = []float64{1}, []string{"member:m-c"}
			}
			sp, postings, err := reward.Postings(reward.Payment{Payer: "member:m-client", Total: tt.charge, ContributorBP: tt.cbp, Contributors: contributors, Weights: weights,
				TreasuryBP: tt.tbp, Rest: "member:m-builder", FunderBP: tt.fbp, Funders: accounts, Stakes: tt.stakes})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("split %+v, want an error", sp)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkCall(t, "member:m-client", tt.charge, sp, postings)
			if !slices.Equal(sp.Funders, tt.funders) || sp.ContributorTotal != tt.contributors || sp.Rest != tt.builder || sp.Treasury != tt.treasury {
				t.Fatalf("split %+v, want funders %v, contributors %d, builder %d, treasury %d", sp, tt.funders, tt.contributors, tt.builder, tt.treasury)
			}
		})
	}
}

// TestProRata divides amounts exactly by largest remainder.
func TestProRata(t *testing.T) {
	tests := []struct {
		total  int64
		stakes []int64
		want   []int64
	}{
		{10, []int64{1, 1, 1}, []int64{4, 3, 3}},
		{100, []int64{1, 2, 3, 4}, []int64{10, 20, 30, 40}},
		{5, []int64{3, 1}, []int64{4, 1}}, // 3.75 and 1.25
		{1, []int64{1, 3}, []int64{0, 1}}, // the larger remainder
		{0, []int64{5, 6}, []int64{0, 0}},
		{math.MaxInt64, []int64{math.MaxInt64, 1}, []int64{math.MaxInt64 - 1, 1}},
	}
	for _, tt := range tests {
		got, err := reward.ProRata(tt.total, tt.stakes)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ProRata(%d, %v) = %v, %v, want %v", tt.total, tt.stakes, got, err, tt.want)
		}
	}
	for _, bad := range []struct {
		total  int64
		stakes []int64
	}{{-1, []int64{1}}, {1, nil}, {1, []int64{1, -1}}, {1, []int64{0}}} {
		if got, err := reward.ProRata(bad.total, bad.stakes); err == nil {
			t.Errorf("ProRata(%d, %v) = %v, want an error", bad.total, bad.stakes, got)
		}
	}
}

// FuzzProRata checks that any division either refuses or hands out
// exactly the total, each part within one point of its exact share.
func FuzzProRata(f *testing.F) {
	f.Add(int64(10), []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add(int64(math.MaxInt64), []byte{255, 255, 255, 255, 255, 255, 255, 127, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, total int64, raw []byte) {
		var stakes []int64
		for len(raw) >= 8 && len(stakes) < 50 {
			stakes = append(stakes, int64(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		parts, err := reward.ProRata(total, stakes)
		if err != nil {
			return
		}
		var sum, stakeSum big.Int
		for _, s := range stakes {
			stakeSum.Add(&stakeSum, big.NewInt(s))
		}
		for i, p := range parts {
			if p < 0 {
				t.Fatalf("part %d is %d", i, p)
			}
			sum.Add(&sum, big.NewInt(p))
			// |p·Σ − total·stake| < Σ
			var lhs, rhs big.Int
			lhs.Mul(big.NewInt(p), &stakeSum)
			rhs.Mul(big.NewInt(total), big.NewInt(stakes[i]))
			lhs.Sub(&lhs, &rhs)
			if lhs.CmpAbs(&stakeSum) >= 0 {
				t.Fatalf("part %d = %d is a point or more from its share of %d by %v", i, p, total, stakes)
			}
		}
		if !sum.IsInt64() || sum.Int64() != total {
			t.Fatalf("parts %v sum to %v, not %d", parts, &sum, total)
		}
	})
}
