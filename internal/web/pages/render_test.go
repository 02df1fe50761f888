package pages

import (
	"bytes"
	"html/template"
	"log/slog"
	"testing"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/web/deps"
)

// The currency the cooperative configures is the one every page writes.
func TestPagesWriteTheConfiguredCurrency(t *testing.T) {
	usd := points.Currency{Code: "USD", Decimals: 3}
	p := New(deps.Deps{Log: slog.New(slog.DiscardHandler), Currency: usd}, nil)
	if got := p.money(1234); got != "1.234 USD" {
		t.Fatalf("money = %q", got)
	}
	tpl := template.Must(template.New("x").Funcs(templateFuncs).Funcs(moneyFuncs(usd)).Parse(`{{points 1234}} · {{number 1234}} · {{pointValue}} · {{currency}}`))
	var b bytes.Buffer
	if err := tpl.Execute(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "1.234 USD · 1.234 · 0.001 USD · USD"; got != want {
		t.Fatalf("template writes %q, want %q", got, want)
	}
	// Without a configured currency, the default.
	if got := testPages(slog.New(slog.DiscardHandler)).money(65); got != "0.65 EUR" {
		t.Fatalf("default money = %q", got)
	}
}
