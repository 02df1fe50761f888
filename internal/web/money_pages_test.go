package web_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// textOf is the text of the element with the given id on a page, tags
// removed.
func textOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>((?s:.*?))</`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no element #%s on the page", id)
	}
	return html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], "")))
}

func (f *fixture) page(as, path string) string {
	f.t.Helper()
	resp := f.do(as, "GET", path, "", "", nil)
	body := readBody(f.t, resp)
	if resp.StatusCode != 200 {
		f.t.Fatalf("GET %s as %s: %d %s", path, as, resp.StatusCode, body)
	}
	return body
}

// TestOneMoneyOnEveryPage: the same member's amounts read the same on the
// dashboard, /earnings, /shares and in the API (the integer and its text),
// written in the cooperative's currency; the pay floor reads the same on
// /work and /reviews; and every kind of income appears on /earnings.
func TestOneMoneyOnEveryPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		paidEverywhere(t, f)
		// A bounty's unit and a curated record pay through their own
		// services (tested there); here one payment of each kind is
		// enough for the pages.
		for _, ev := range []struct {
			typ   ledger.Type
			scope string
		}{{ledger.BountyPaid, "bounty:1"}, {ledger.ContributionPaid, "datanet:1"}} {
			if err := f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
				_, err := f.app.Reward.Transfer(t.Context(), tx, ledger.Event{Type: ev.typ, Scope: ev.scope, Postings: []ledger.Posting{
					{Account: "funding:grant:test", Amount: -25}, {Account: reward.MemberAccount(f.ids["ada"]), Amount: 25}}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		var e struct {
			Balance     int64  `json:"balance"`
			BalanceText string `json:"balance_text"`
			Income      []struct {
				Kind       string `json:"kind"`
				Amount     int64  `json:"amount"`
				AmountText string `json:"amount_text"`
			} `json:"income"`
			IncomeTotalText string `json:"income_total_text"`
		}
		if err := json.Unmarshal([]byte(readBody(t, f.do("ada", "GET", "/api/v1/members/me/earnings", "", "", nil))), &e); err != nil {
			t.Fatal(err)
		}
		eur := points.DefaultCurrency
		if e.Balance <= 0 || e.BalanceText != eur.Format(e.Balance) || !strings.HasSuffix(e.BalanceText, " EUR") {
			t.Fatalf("API balance %d written %q", e.Balance, e.BalanceText)
		}
		var me struct {
			BalanceText string `json:"balance_text"`
		}
		json.Unmarshal([]byte(readBody(t, f.do("ada", "GET", "/api/v1/me", "", "", nil))), &me)
		dash, earnings := f.page("ada", "/dashboard"), f.page("ada", "/earnings")
		for where, got := range map[string]string{"dashboard": textOf(t, dash, "balance"), "/earnings": textOf(t, earnings, "balance"), "/api/v1/me": me.BalanceText} {
			if got != e.BalanceText {
				t.Errorf("%s shows the balance as %q, the API as %q", where, got, e.BalanceText)
			}
		}
		// Every kind of income, paid once each by paidEverywhere.
		earned := int64(0)
		for _, in := range e.Income {
			if in.Amount <= 0 {
				t.Errorf("no %s income: %+v", in.Kind, e.Income)
			}
			if got := textOf(t, earnings, "income-"+in.Kind+"-amount"); got != in.AmountText {
				t.Errorf("/earnings shows %s income as %q, the API as %q", in.Kind, got, in.AmountText)
			}
			if in.Kind != "recordings" { // epochs count work and revenue, not recordings
				earned += in.Amount
			}
		}
		if got := textOf(t, earnings, "income-total"); got != e.IncomeTotalText {
			t.Errorf("income total %q, API %q", got, e.IncomeTotalText)
		}
		// /shares: the points the open epoch will convert, as money.
		var sh struct {
			Pending     int64  `json:"pending_points"`
			PendingText string `json:"pending_points_text"`
		}
		json.Unmarshal([]byte(readBody(t, f.do("ada", "GET", "/api/v1/members/me/shares", "", "", nil))), &sh)
		if sh.Pending != earned || sh.PendingText != eur.Format(earned) {
			t.Errorf("shares pending %d %q, want %d earned", sh.Pending, sh.PendingText, earned)
		}
		if got := textOf(t, f.page("ada", "/shares"), "pending"); got != eur.Format(earned) {
			t.Errorf("/shares shows %q earned, want %q", got, eur.Format(earned))
		}
		for _, body := range []string{dash, earnings} {
			if strings.Contains(body, " points</span>") || !strings.Contains(body, "0.01 EUR") {
				t.Error("a page writes amounts in points or does not say what a point is worth")
			}
		}
		// The pay floor: 1,500 points an hour, 15.00 EUR, on both pages.
		work, reviews := textOf(t, f.page("ada", "/work"), "floor"), textOf(t, f.page("stella", "/reviews"), "floor")
		if work != "15.00 EUR an hour" || reviews != work {
			t.Errorf("pay floor on /work %q, on /reviews %q", work, reviews)
		}
	})
}
