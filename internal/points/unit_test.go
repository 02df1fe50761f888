package points_test

import (
	"testing"

	"github.com/allmende/allmende/internal/points"
)

// TestUnit: what one point is, in the words an API error uses.
func TestUnit(t *testing.T) {
	for _, c := range []struct {
		cur  points.Currency
		want string
	}{
		{points.Currency{}, "cents (0.01 EUR)"},
		{points.Currency{Code: "USD", Decimals: 2}, "cents (0.01 USD)"},
		{points.Currency{Code: "JPY", Decimals: 0}, "JPY"},
		{points.Currency{Code: "BHD", Decimals: 3}, "1/1000 BHD"},
	} {
		if got := c.cur.Unit(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.cur, got, c.want)
		}
	}
}
