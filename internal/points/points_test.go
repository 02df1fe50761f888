package points_test

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

const (
	maxI = math.MaxInt64
	minI = math.MinInt64
)

func TestAddSub(t *testing.T) {
	tests := []struct {
		a, b     int64
		add, sub int64
		addOK    bool
		subOK    bool
	}{
		{1, 2, 3, -1, true, true},
		{maxI, 0, maxI, maxI, true, true},
		{maxI, 1, 0, maxI - 1, false, true},
		{maxI, -1, maxI - 1, 0, true, false},
		{minI, -1, 0, minI + 1, false, true},
		{minI, 1, minI + 1, 0, true, false},
		{0, minI, minI, 0, true, false},
		{-1, minI, 0, maxI, false, true},
		{maxI, maxI, 0, 0, false, true},
		{minI, minI, 0, 0, false, true},
		{maxI, minI, -1, 0, true, false},
	}
	for _, tt := range tests {
		got, err := points.Add(tt.a, tt.b)
		if (err == nil) != tt.addOK || (tt.addOK && got != tt.add) {
			t.Errorf("Add(%d, %d) = %d, %v", tt.a, tt.b, got, err)
		}
		if err != nil && !errors.Is(err, points.ErrOverflow) {
			t.Errorf("Add(%d, %d): error %v is not ErrOverflow", tt.a, tt.b, err)
		}
		got, err = points.Sub(tt.a, tt.b)
		if (err == nil) != tt.subOK || (tt.subOK && got != tt.sub) {
			t.Errorf("Sub(%d, %d) = %d, %v", tt.a, tt.b, got, err)
		}
	}
}

func TestMulAndMulDiv(t *testing.T) {
	tests := []struct {
		a, b, c int64
		mul     int64
		mulOK   bool
		div, up int64
		divOK   bool
	}{
		{3, 4, 5, 12, true, 2, 3, true},
		{-3, 4, 5, -12, true, -2, -3, true},
		{0, maxI, 7, 0, true, 0, 0, true},
		{maxI, 1, 1, maxI, true, maxI, maxI, true},
		{minI, 1, 1, minI, true, minI, minI, true},
		{minI, -1, 1, 0, false, 0, 0, false},
		{maxI, 2, 2, 0, false, maxI, maxI, true},
		{maxI, maxI, maxI, 0, false, maxI, maxI, true},
		{minI, minI, maxI, 0, false, 0, 0, false},
		{minI, maxI, maxI, 0, false, minI, minI, true},
		{maxI, 3, 2, 0, false, 0, 0, false},
		// A price of the int64 maximum per 1,000 tokens for 1,000 tokens:
		// the product is 128 bits wide, the answer fits.
		{maxI, 1000, 1000, 0, false, maxI, maxI, true},
		{1_000_000_000, 1_000_000, 1000, 1_000_000_000_000_000, true, 1_000_000_000_000, 1_000_000_000_000, true},
		{1, 1, 1000, 1, true, 0, 1, true},
		{-1, 1, 1000, -1, true, 0, -1, true},
	}
	for _, tt := range tests {
		got, err := points.Mul(tt.a, tt.b)
		if (err == nil) != tt.mulOK || (tt.mulOK && got != tt.mul) {
			t.Errorf("Mul(%d, %d) = %d, %v", tt.a, tt.b, got, err)
		}
		got, err = points.MulDiv(tt.a, tt.b, tt.c)
		if (err == nil) != tt.divOK || (tt.divOK && got != tt.div) {
			t.Errorf("MulDiv(%d, %d, %d) = %d, %v", tt.a, tt.b, tt.c, got, err)
		}
		got, err = points.MulDivUp(tt.a, tt.b, tt.c)
		if (err == nil) != tt.divOK || (tt.divOK && got != tt.up) {
			t.Errorf("MulDivUp(%d, %d, %d) = %d, %v", tt.a, tt.b, tt.c, got, err)
		}
	}
	for _, c := range []int64{0, -1, minI} {
		if _, err := points.MulDiv(1, 1, c); !errors.Is(err, points.ErrDivide) {
			t.Errorf("MulDiv by %d: %v", c, err)
		}
	}
}

func TestSum(t *testing.T) {
	if s, err := points.Sum(maxI, -maxI, 5); err != nil || s != 5 {
		t.Fatalf("Sum = %d, %v", s, err)
	}
	// 2·MaxInt64 + 2 is 2^64: it wraps to zero, and must not pass for a
	// balanced transfer.
	if s, err := points.Sum(maxI, maxI, 2); !errors.Is(err, points.ErrOverflow) {
		t.Fatalf("a sum that wraps to zero: %d, %v", s, err)
	}
	if s, err := points.Sum(); err != nil || s != 0 {
		t.Fatalf("empty sum = %d, %v", s, err)
	}
}

func TestCheckNamesTheField(t *testing.T) {
	if err := points.Check("budget", points.MaxBudget, 0, points.MaxBudget); err != nil {
		t.Fatalf("the maximum itself: %v", err)
	}
	for _, v := range []int64{-1, points.MaxBudget + 1, maxI, minI} {
		err := points.Check("budget", v, 0, points.MaxBudget)
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.Invalid || p.Fields["budget"] != "between 0 and 1000000000000 points" {
			t.Errorf("Check(%d) = %v, want an invalid problem naming budget", v, err)
		}
	}
	p, _ := problem.As(points.CheckTokens("max_tokens", -1, 0, points.MaxTokens))
	if p == nil || p.Fields["max_tokens"] != "between 0 and 1000000 tokens" {
		t.Errorf("CheckTokens(-1) = %v", p)
	}
}

// The ranges must leave room: the largest call, budget and transfer fit
// with a wide margin, so that checked arithmetic on them never fails in
// legitimate use.
func TestRangesLeaveRoom(t *testing.T) {
	if points.MaxCharge > points.MaxTransfer || points.MaxBudget > points.MaxTransfer || points.MaxDeposit > points.MaxTransfer {
		t.Fatal("an amount in range would exceed the largest transfer")
	}
	if _, err := points.Mul(points.MaxTransfer, 1000); err != nil {
		t.Fatalf("a thousand of the largest transfers overflow: %v", err)
	}
}

func FuzzArithmetic(f *testing.F) {
	for _, seed := range [][3]int64{{1, 2, 3}, {maxI, maxI, 1}, {minI, -1, 1}, {minI, minI, maxI}, {-7, 3, 2}, {0, 0, 1}} {
		f.Add(seed[0], seed[1], seed[2])
	}
	bounds := func(x *big.Int) bool { return x.IsInt64() }
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		A, B, C := big.NewInt(a), big.NewInt(b), big.NewInt(c)
		check := func(name string, got int64, err error, want *big.Int) {
			t.Helper()
			if bounds(want) {
				if err != nil || got != want.Int64() {
					t.Fatalf("%s(%d, %d, %d) = %d, %v; want %s", name, a, b, c, got, err, want)
				}
			} else if !errors.Is(err, points.ErrOverflow) {
				t.Fatalf("%s(%d, %d, %d) = %d, %v; want overflow (%s)", name, a, b, c, got, err, want)
			}
		}
		got, err := points.Add(a, b)
		check("Add", got, err, new(big.Int).Add(A, B))
		got, err = points.Sub(a, b)
		check("Sub", got, err, new(big.Int).Sub(A, B))
		prod := new(big.Int).Mul(A, B)
		got, err = points.Mul(a, b)
		check("Mul", got, err, prod)
		if c <= 0 {
			if _, err := points.MulDiv(a, b, c); !errors.Is(err, points.ErrDivide) {
				t.Fatalf("MulDiv(%d, %d, %d): %v, want ErrDivide", a, b, c, err)
			}
			return
		}
		// Quo truncates toward zero, as MulDiv does.
		q, r := new(big.Int).QuoRem(prod, C, new(big.Int))
		got, err = points.MulDiv(a, b, c)
		check("MulDiv", got, err, q)
		up := new(big.Int).Set(q)
		if r.Sign() != 0 {
			up.Add(up, big.NewInt(int64(r.Sign())))
		}
		got, err = points.MulDivUp(a, b, c)
		check("MulDivUp", got, err, up)
	})
}
