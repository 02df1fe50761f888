package points

import (
	"fmt"
	"strconv"
	"strings"
)

// Currency is what the cooperative's points are worth: one point is
// 10^-Decimals of one unit of the currency named by Code (ISO 4217, e.g.
// "EUR"). With the default, two decimals, 100 points are one euro. Every
// page, API answer and export writes an amount with Format, so that one
// amount reads the same wherever it is shown.
type Currency struct {
	Code     string
	Decimals int
}

// DefaultCurrency is what a cooperative that configures nothing uses.
var DefaultCurrency = Currency{Code: "EUR", Decimals: 2}

// MaxDecimals bounds Decimals: a point worth less than a millionth of the
// currency has no use, and 10^6 keeps every scaling far from overflow.
const MaxDecimals = 6

// NewCurrency checks a currency code (three capital letters) and what one
// point is worth, written as the operator types it: "0.01", "1", "0.001".
// A point's value must be a power of ten no larger than one unit, so that
// every amount is an exact decimal.
func NewCurrency(code, pointValue string) (Currency, error) {
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Currency{}, fmt.Errorf("currency %q: three capital letters, as EUR or USD", code)
	}
	d, ok := decimalsOf(pointValue)
	if !ok {
		return Currency{}, fmt.Errorf("point value %q: one of 1, 0.1, 0.01, … 0.000001 (what one point is worth in %s)", pointValue, code)
	}
	return Currency{Code: code, Decimals: d}, nil
}

func decimalsOf(v string) (int, bool) {
	if v == "1" {
		return 0, true
	}
	frac, ok := strings.CutPrefix(v, "0.")
	if !ok || len(frac) == 0 || len(frac) > MaxDecimals || !strings.HasSuffix(frac, "1") || strings.Trim(frac[:len(frac)-1], "0") != "" {
		return 0, false
	}
	return len(frac), true
}

// currency returns c, or the default for the zero value.
func (c Currency) currency() Currency {
	if c.Code == "" {
		return DefaultCurrency
	}
	return c
}

// PointValue is what one point is worth, in words: "0.01 EUR".
func (c Currency) PointValue() string { return c.Format(1) }

// Number writes an amount of points in the currency's unit without the
// code, with a comma between thousands: "1,234.56", "-0.05", "0.00".
// It is exact for every int64, the extremes included.
func (c Currency) Number(p int64) string {
	c = c.currency()
	neg := p < 0
	u := uint64(p)
	if neg {
		u = -u // two's complement: exact for MinInt64 too
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= c.Decimals {
		digits = strings.Repeat("0", c.Decimals-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-c.Decimals], digits[len(digits)-c.Decimals:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Unit names, for a person, what one point is: the currency's cent
// ("cents (0.01 EUR)") with the default two decimals, the whole unit
// ("EUR") with none, and otherwise the fraction ("1/1000 EUR"). An
// integer amount sent to the API is in this unit, and its errors say so.
func (c Currency) Unit() string {
	c = c.currency()
	switch c.Decimals {
	case 0:
		return c.Code
	case 2:
		return "cents (" + c.PointValue() + ")"
	}
	return "1/" + strconv.FormatInt(pow10(c.Decimals), 10) + " " + c.Code
}

// Format writes an amount of points as money: "1,234.56 EUR".
func (c Currency) Format(p int64) string { return c.Number(p) + " " + c.currency().Code }

// Parse reads an amount of money a person typed — "15", "15.5", "15.00",
// "1,500.00", optionally followed by the currency's code — into points.
// More decimals than a point has, a sign, anything else or an amount
// beyond int64 is an error that says what is allowed.
func (c Currency) Parse(s string) (int64, error) {
	c = c.currency()
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(t, c.Code))
	bad := fmt.Errorf("an amount in %s such as %s", c.Code, c.Number(150*pow10(c.Decimals)/100))
	if t == "" || len(t) > 40 {
		return 0, bad
	}
	if t[0] == '-' {
		return 0, fmt.Errorf("not a negative amount: %s or more", c.Number(0))
	}
	whole, frac, hasFrac := strings.Cut(t, ".")
	if hasFrac && (frac == "" || len(frac) > c.Decimals) {
		if len(frac) > c.Decimals {
			return 0, fmt.Errorf("at most %d decimals: one point is %s", c.Decimals, c.PointValue())
		}
		return 0, bad
	}
	if strings.Contains(whole, ",") {
		// Thousands separators only where they belong.
		// "12,50" is how much of Europe writes 12.50: say which mark is which.
		commas := fmt.Errorf("a point before the decimals and commas only between thousands, as %s", c.Number(150025*pow10(c.Decimals)/100))
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, commas
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, commas
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, bad
	}
	frac += strings.Repeat("0", c.Decimals-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("too large: at most %s", c.Format(maxInt64))
	}
	return v, nil
}

const maxInt64 = 1<<63 - 1

// ParseWithin is Parse for an amount that must lie between lo and hi
// points (inclusive), as every amount a form or an API client supplies
// has a range (points.Check): the error says the range in money, as the
// person typed it, not in points.
func (c Currency) ParseWithin(s string, lo, hi int64) (int64, error) {
	v, err := c.Parse(s)
	if err != nil && !strings.HasPrefix(err.Error(), "too large") {
		return 0, err
	}
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%s", c.Range(lo, hi))
	}
	return v, nil
}

// Range says in money what an amount must be: "between 0.01 and
// 10,000,000.00 EUR".
func (c Currency) Range(lo, hi int64) string {
	return "between " + c.Number(lo) + " and " + c.Format(hi)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}
