package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestNegativeAmountRefusalAgrees: a payout or a price of −1 is refused
// with a line above the form that agrees with the reason beside the field
// ("not a negative amount"), not one saying it is no amount of money.
func TestNegativeAmountRefusalAgrees(t *testing.T) {
	f := newFixture(t, store.SQLite)
	giveBalance(t, f, "ada", 1000)
	for _, tc := range []struct{ name, path, body string }{
		{"payout", "/payouts", url.Values{"amount": {"-1"}}.Encode()},
		{"compose", "/automations/compose", url.Values{"id": {"both"}, "title": {"Both"}, "description": {"Both."}, "price_per_run": {"-1"}}.Encode()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do("ada", "POST", tc.path, "application/x-www-form-urlencoded", tc.body, nil)
			text := visible(readBody(t, resp))
			if resp.StatusCode != 422 || strings.Contains(text, "is not an amount of money") || !strings.Contains(text, "negative") {
				t.Fatalf("%s of -1: %d %s", tc.name, resp.StatusCode, text)
			}
		})
	}
}
