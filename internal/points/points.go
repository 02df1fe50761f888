// Package points is the arithmetic of the cooperative's money. Points are
// int64 in the smallest unit (100 points = one currency unit); this
// package names the range of every amount a person or an upstream supplies,
// and adds, subtracts, multiplies and scales amounts so that an overflow is
// an error, never a wrap. docs/money.md lists each range and where it is
// checked.
//
// The ranges are chosen so that no legitimate computation comes near the
// int64 limit (about 9.2·10^18): a price is at most 10^9, a call at most
// MaxTokens tokens, so a call costs at most about 10^12; a budget is at
// most 10^12; and no single posting moves more than MaxTransfer = 10^15.
package points

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/allmende/allmende/internal/problem"
)

// The ranges of the amounts people and upstreams supply. Each is inclusive.
const (
	// MaxPrice bounds a model's price per call and per 1,000 tokens and a
	// project's pay per task: 10^9 points (10 million currency units).
	MaxPrice int64 = 1_000_000_000
	// MaxRunPrice bounds an automation's price per run.
	MaxRunPrice int64 = 1_000_000
	// MaxBudget bounds a project's budget: 10^12 points.
	MaxBudget int64 = 1_000_000_000_000
	// MaxDeposit bounds one deposit a steward records for a client.
	MaxDeposit int64 = 100_000_000
	// MaxTokens bounds the tokens a model call is charged for: max_tokens
	// in a request, and the prompt estimate plus max_tokens that an
	// upstream's reported usage is clamped to.
	MaxTokens = 1_000_000
	// MaxCharge is the most one model call can cost: MaxPrice per call plus
	// MaxPrice per 1,000 tokens for MaxTokens tokens.
	MaxCharge = MaxPrice + MaxPrice*MaxTokens/1000
	// MaxTransfer bounds every posting the ledger accepts, in points or
	// shares: 10^15, a thousand times the largest budget. Any posting
	// beyond it is a bug or an attack.
	MaxTransfer int64 = 1_000_000_000_000_000
	// BasisPoints is the whole in shares given in basis points.
	BasisPoints int64 = 10_000
)

// ErrOverflow is returned when a result does not fit in an int64.
var ErrOverflow = errors.New("points: integer overflow")

// ErrDivide is returned when a division's divisor is not positive.
var ErrDivide = errors.New("points: division by a divisor that is not positive")

// Add returns a+b, or ErrOverflow.
func Add(a, b int64) (int64, error) {
	s := a + b
	// Overflow happened iff both operands have the sign the sum lacks.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, fmt.Errorf("%w: %d + %d", ErrOverflow, a, b)
	}
	return s, nil
}

// Sub returns a-b, or ErrOverflow.
func Sub(a, b int64) (int64, error) {
	if b == math.MinInt64 {
		if a >= 0 {
			return 0, fmt.Errorf("%w: %d - %d", ErrOverflow, a, b)
		}
		return a - b, nil
	}
	s, err := Add(a, -b)
	if err != nil {
		return 0, fmt.Errorf("%w: %d - %d", ErrOverflow, a, b)
	}
	return s, nil
}

// Mul returns a·b, or ErrOverflow.
func Mul(a, b int64) (int64, error) {
	neg, hi, lo := mul128(a, b)
	v, ok := fit(neg, hi, lo)
	if !ok {
		return 0, fmt.Errorf("%w: %d × %d", ErrOverflow, a, b)
	}
	return v, nil
}

// MulDiv returns a·b/c rounded toward zero, computed on the exact 128-bit
// product so that no intermediate result overflows: the answer is an error
// only when it does not fit in an int64 itself. c must be positive.
func MulDiv(a, b, c int64) (int64, error) {
	return mulDiv(a, b, c, false)
}

// MulDivUp is MulDiv rounded away from zero: a price of 1 point per 1,000
// tokens charges 1 point for 1 token.
func MulDivUp(a, b, c int64) (int64, error) {
	return mulDiv(a, b, c, true)
}

func mulDiv(a, b, c int64, up bool) (int64, error) {
	if c <= 0 {
		return 0, fmt.Errorf("%w: %d × %d / %d", ErrDivide, a, b, c)
	}
	neg, hi, lo := mul128(a, b)
	if hi >= uint64(c) {
		return 0, fmt.Errorf("%w: %d × %d / %d", ErrOverflow, a, b, c)
	}
	q, r := bits.Div64(hi, lo, uint64(c))
	if up && r != 0 {
		q++
		if q == 0 {
			return 0, fmt.Errorf("%w: %d × %d / %d", ErrOverflow, a, b, c)
		}
	}
	v, ok := fit(neg, 0, q)
	if !ok {
		return 0, fmt.Errorf("%w: %d × %d / %d", ErrOverflow, a, b, c)
	}
	return v, nil
}

// Sum returns the sum of vs, or ErrOverflow if any partial sum overflows.
func Sum(vs ...int64) (int64, error) {
	var s int64
	for _, v := range vs {
		var err error
		if s, err = Add(s, v); err != nil {
			return 0, err
		}
	}
	return s, nil
}

// Check returns nil if lo ≤ v ≤ hi points, and otherwise an Invalid
// problem naming field ("between lo and hi points"), so that a form or an
// API client learns which amount to change and what is allowed. A form
// of many fields collects it with problem.Fields.Merge.
func Check(field string, v, lo, hi int64) error { return check(field, v, lo, hi, "points") }

// CheckTokens is Check for a number of tokens (max_tokens).
func CheckTokens(field string, v, lo, hi int64) error { return check(field, v, lo, hi, "tokens") }

func check(field string, v, lo, hi int64, unit string) error {
	if v >= lo && v <= hi {
		return nil
	}
	return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%s must be between %d and %d %s", field, lo, hi, unit),
		Fields: map[string]string{field: Range(lo, hi) + " " + unit}}
}

// Range says what an amount must be, in the words of a field error.
func Range(lo, hi int64) string { return fmt.Sprintf("between %d and %d", lo, hi) }

// mul128 returns |a·b| as a 128-bit number hi:lo and whether a·b < 0.
func mul128(a, b int64) (neg bool, hi, lo uint64) {
	neg = (a < 0) != (b < 0) && a != 0 && b != 0
	hi, lo = bits.Mul64(abs(a), abs(b))
	return neg, hi, lo
}

// abs returns |v| as a uint64, which holds |MinInt64| too.
func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// fit converts a sign and 128-bit magnitude to an int64 if it fits.
func fit(neg bool, hi, lo uint64) (int64, bool) {
	switch {
	case hi != 0:
		return 0, false
	case lo == 0:
		return 0, true
	}
	if neg {
		if lo > 1<<63 {
			return 0, false
		}
		return -int64(lo-1) - 1, true
	}
	if lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}
