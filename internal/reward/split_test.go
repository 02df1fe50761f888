package reward_test

import (
	"encoding/binary"
	"errors"
	"math"
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
	if sp.Rest < 0 || sp.Treasury < 0 || contributors != sp.ContributorTotal || sum+contributors != charge {
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
