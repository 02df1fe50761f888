package points_test

import (
	"math"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/points"
)

func TestCurrencyFormat(t *testing.T) {
	eur := points.Currency{Code: "EUR", Decimals: 2}
	milli := points.Currency{Code: "USD", Decimals: 3}
	whole := points.Currency{Code: "CHF", Decimals: 0}
	tests := []struct {
		c    points.Currency
		p    int64
		want string
	}{
		{eur, 0, "0.00 EUR"},
		{eur, 1, "0.01 EUR"},
		{eur, 65, "0.65 EUR"},
		{eur, -65, "-0.65 EUR"},
		{eur, 100, "1.00 EUR"},
		{eur, 1500, "15.00 EUR"},
		{eur, 123456, "1,234.56 EUR"},
		{eur, 100000000, "1,000,000.00 EUR"},
		{eur, points.MaxBudget, "10,000,000,000.00 EUR"},
		{eur, math.MaxInt64, "92,233,720,368,547,758.07 EUR"},
		{eur, math.MinInt64, "-92,233,720,368,547,758.08 EUR"},
		{milli, 5, "0.005 USD"},
		{milli, -1234567, "-1,234.567 USD"},
		{whole, 999, "999 CHF"},
		{whole, 1000, "1,000 CHF"},
		{whole, -1, "-1 CHF"},
		{points.Currency{}, 65, "0.65 EUR"}, // the zero value is the default
	}
	for _, tt := range tests {
		if got := tt.c.Format(tt.p); got != tt.want {
			t.Errorf("%v.Format(%d) = %q, want %q", tt.c, tt.p, got, tt.want)
		}
	}
}

func TestCurrencyParse(t *testing.T) {
	eur := points.DefaultCurrency
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"15", 1500, ""},
		{"15.5", 1550, ""},
		{"15.00", 1500, ""},
		{" 15.00 EUR ", 1500, ""},
		{"1,500.25", 150025, ""},
		{"0", 0, ""},
		{"0.01", 1, ""},
		{"92,233,720,368,547,758.07", math.MaxInt64, ""},
		{"92233720368547758.08", 0, "too large"},
		{"15.001", 0, "at most 2 decimals"},
		{"-1", 0, "not a negative amount"},
		{"-0.01 EUR", 0, "not a negative amount"},
		{"1500 points", 0, "an amount in EUR"},
		{"15.", 0, "an amount in EUR"},
		{".5", 0, "an amount in EUR"},
		{"1,50", 0, "a point before the decimals and commas only between thousands, as 1,500.25"},
		{"1,2,3", 0, "a point before the decimals"},
		{"12,50", 0, "a point before the decimals"},
		{"abc", 0, "an amount in EUR such as 1.50"},
		{"", 0, "an amount in EUR"},
		{"1e3", 0, "an amount in EUR"},
	}
	for _, tt := range tests {
		got, err := eur.Parse(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q) = %d, %v; want an error saying %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestCurrencyParseWithin(t *testing.T) {
	eur := points.DefaultCurrency
	tests := []struct {
		in      string
		lo, hi  int64
		want    int64
		wantErr string
	}{
		{"12.50", 1, points.MaxPrice, 1250, ""},
		{"0.01", 1, points.MaxPrice, 1, ""},
		{"10,000,000.00", 1, points.MaxPrice, points.MaxPrice, ""},
		{"10,000,000.01", 1, points.MaxPrice, 0, "between 0.01 and 10,000,000.00 EUR"},
		{"0", 1, points.MaxPrice, 0, "between 0.01 and 10,000,000.00 EUR"},
		{"0", 0, points.MaxBudget, 0, ""},
		{"99999999999999999999", 0, points.MaxBudget, 0, "between 0.00 and 10,000,000,000.00 EUR"},
		{"-5", 0, points.MaxBudget, 0, "not a negative amount"},
		{"1.005", 0, points.MaxBudget, 0, "at most 2 decimals"},
		{"12 EUR 50", 0, points.MaxBudget, 0, "an amount in EUR"},
	}
	for _, tt := range tests {
		got, err := eur.ParseWithin(tt.in, tt.lo, tt.hi)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseWithin(%q, %d, %d) = %d, %v; want an error saying %q", tt.in, tt.lo, tt.hi, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseWithin(%q, %d, %d) = %d, %v; want %d", tt.in, tt.lo, tt.hi, got, err, tt.want)
		}
	}
}

func TestNewCurrency(t *testing.T) {
	good := map[string]int{"1": 0, "0.1": 1, "0.01": 2, "0.001": 3, "0.000001": 6}
	for v, d := range good {
		c, err := points.NewCurrency("EUR", v)
		if err != nil || c.Decimals != d {
			t.Errorf("NewCurrency(EUR, %q) = %+v, %v; want %d decimals", v, c, err, d)
		}
	}
	for _, v := range []string{"", "0", "0.05", "10", "0.0000001", "0.10", "1.0", "0.0a1"} {
		if _, err := points.NewCurrency("EUR", v); err == nil {
			t.Errorf("NewCurrency(EUR, %q) accepted", v)
		}
	}
	for _, code := range []string{"", "eur", "EURO", "E1R"} {
		if _, err := points.NewCurrency(code, "0.01"); err == nil {
			t.Errorf("NewCurrency(%q) accepted", code)
		}
	}
}

// FuzzCurrencyParse: whatever a person types, Parse either refuses it or
// returns a non-negative amount that Format writes back to the same
// amount.
func FuzzCurrencyParse(f *testing.F) {
	for _, s := range []string{"15", "15.00", "1,500.25 EUR", "-1", "92233720368547758.07", "", ".", "1,,0", "1,2,3", "12,50", "0", "10000000.01"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, d uint8) {
		c := points.Currency{Code: "EUR", Decimals: int(d % (points.MaxDecimals + 1))}
		v, err := c.Parse(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("Parse(%q) = %d, negative", s, v)
		}
		back, err := c.Parse(c.Format(v))
		if err != nil || back != v {
			t.Fatalf("Parse(Format(%d)) = %d, %v", v, back, err)
		}
		// Within a range, the same amount is accepted exactly when it lies
		// in it, and what is refused says the range.
		w, err := c.ParseWithin(s, 1, points.MaxPrice)
		switch in := v >= 1 && v <= points.MaxPrice; {
		case in && (err != nil || w != v):
			t.Fatalf("ParseWithin(%q) = %d, %v; want %d", s, w, err, v)
		case !in && (err == nil || !strings.HasPrefix(err.Error(), "between ")):
			t.Fatalf("ParseWithin(%q) = %d, %v; want the range", s, w, err)
		}
	})
}

// FuzzNewCurrency: a point value is accepted only if it is a power of ten
// no larger than one, and then its formatted point is that value.
func FuzzNewCurrency(f *testing.F) {
	for _, s := range []string{"1", "0.01", "0.05", "0.0000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c, err := points.NewCurrency("EUR", v)
		if err != nil {
			return
		}
		if got := c.Number(1); got != v {
			t.Fatalf("NewCurrency(%q): one point reads %q", v, got)
		}
	})
}
