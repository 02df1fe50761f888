package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/reward"
)

// TestDayFunding is members funding a model together in the demo
// cooperative, on a laptop and on a phone: Stella, who built a model on
// the tenancy datanet, opens a funding round from its page naming the
// datanet's first version (30.00 to raise, 12.00 of it her costs, 10% of
// every call to the funders); Ada and Grace each pledge from their balance
// on the same page, and the round meets its goal; Stella closes it, which
// pays her costs and returns the rest 2:1; a paid call through the API
// then pays Ada and Grace their share, which the page shows beside their
// pledges.
func TestDayFunding(t *testing.T) { eachDay(t, "funding", dayFunding) }

// dayFunding is TestDayFunding on one dialect.
func dayFunding(t *testing.T, d *day) {
	ctx := t.Context()
	a := d.site.app
	stella, rita := d.as("stella@example.org"), d.as("rita@example.org")
	// Ada and Grace have points to pledge: a client deposit each, as a
	// steward records it.
	for _, who := range []string{"ada@example.org", "grace@example.org"} {
		if _, err := a.Models.Deposit(ctx, stella, d.as(who).PublicID, 10000); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Models.Deposit(ctx, stella, rita.PublicID, 10000); err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Models.CreateKey(ctx, rita.ID, "funding day")
	if err != nil {
		t.Fatal(err)
	}
	balance := func(email string) int64 {
		b, err := a.Reward.Balance(ctx, reward.MemberAccount(d.as(email).PublicID))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, size := range dayWidths {
		slug := "tenancy-funded-" + size.name
		if _, err := a.Models.Create(ctx, stella, model.Model{Slug: slug, Name: "Tenancy helper, funded (" + size.name + ")", Kind: model.Retrieval,
			PricePerCall: 1000, Datanets: []string{"tenancy-qa-de"}}); err != nil {
			t.Fatal(err)
		}
		d.at(size.width, size.height)

		// Stella opens the round; a share beyond her part is refused
		// beside its field first.
		d.signIn("stella@example.org")
		d.open("/models/"+slug, "")
		d.has("#no-round", "Nobody has opened a funding round")
		d.do("fill the round's form", chromedp.WaitVisible("#round-form"))
		fillMoney(d, "Goal", 3000)
		fillMoney(d, "Your costs", 1200)
		d.do("ask too large a share",
			chromedp.SetValue("#round-share-input", "25"),
			chromedp.SetValue("#round-days-input", "7"))
		submit(d, "ask too large a share", "#open-round", "#round-form .field-error")
		d.has("#round-form", "between 0.01% and 20%")
		d.here("round-refused")
		d.do("set the share", chromedp.SetValue("#round-share-input", "10"))
		submit(d, "open the round", "#open-round", "#round")
		d.has("#round-state", "open until")
		d.has("#round-goal", "30.00 EUR")
		d.has("#round-versions", "tenancy-qa-de version 1")
		d.has("#round-share", "10%")
		d.here("round-open")
		d.signOut()

		// Ada and Grace pledge; more than the goal lacks is refused.
		adaBefore, graceBefore, stellaBefore := balance("ada@example.org"), balance("grace@example.org"), balance("stella@example.org")
		for _, p := range []struct {
			who    string
			amount int64
		}{{"ada@example.org", 2000}, {"grace@example.org", 1000}} {
			d.signIn(p.who)
			d.open("/models/"+slug+"#funding", "")
			if p.who == "grace@example.org" {
				fillMoney(d, "Pledge", 1500)
				submit(d, "pledge too much", "#pledge", "#pledge-form .field-error")
				d.has("#pledge-form", "more than the goal still lacks")
				d.here("pledge-refused")
			}
			fillMoney(d, "Pledge", p.amount)
			submit(d, "pledge", "#pledge", "#my-pledge")
			d.has("#my-pledge", points.DefaultCurrency.Format(p.amount))
			d.here("pledged")
			d.signOut()
		}
		if got := balance("ada@example.org"); got != adaBefore-2000 {
			t.Errorf("ada holds %d after pledging 2000 of %d", got, adaBefore)
		}

		// Stella closes the round: it met its goal.
		d.signIn("stella@example.org")
		d.open("/models/"+slug+"#funding", "")
		d.has("#round-full", "The goal is met")
		d.has("#round-pledged", "30.00 EUR by 2 funders")
		submit(d, "close the round", "#close-round", "#round-state .badge")
		d.has("#round-state", "funded")
		d.here("round-funded")
		d.signOut()
		// Costs 12.00 to Stella; 18.00 back, 12.00 to Ada and 6.00 to Grace.
		if s, ad, g := balance("stella@example.org")-stellaBefore, balance("ada@example.org")-adaBefore, balance("grace@example.org")-graceBefore; s != 1200 || ad != -2000+1200 || g != -1000+600 {
			t.Errorf("after the close: stella %+d, ada %+d, grace %+d", s, ad, g)
		}

		// Rita calls the model: 10% of the 10.00, 1.00, goes to the
		// funders, 0.67 to Ada and 0.33 to Grace.
		req, _ := http.NewRequestWithContext(ctx, "POST", d.url("/v1/chat/completions"), strings.NewReader(
			`{"model":"`+slug+`","messages":[{"role":"user","content":"Darf mein Vermieter die Kaution behalten?"}]}`))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		var out struct {
			Att struct {
				Shares struct{ Contributors, Builder, Treasury, Funders int64 }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("the call: %d %s", resp.StatusCode, body)
		}
		if s := out.Att.Shares; s.Funders != 100 || s.Contributors+s.Builder+s.Treasury+s.Funders != 1000 {
			t.Errorf("the call's shares: %+v", s)
		}
		r, err := a.Models.RoundOf(ctx, d.as("ada@example.org"), slug)
		if err != nil {
			t.Fatal(err)
		}
		if r.MyEarnings != 67 || len(r.Stakes) != 2 || r.Stakes[1].Earned != 33 {
			t.Errorf("the funders' earnings: %+v", r.Stakes)
		}
		if ad := balance("ada@example.org") - adaBefore; ad < -800+67 {
			t.Errorf("ada got %+d in all, less than her share of the call", ad)
		}
		d.signIn("ada@example.org")
		d.open("/models/"+slug+"#funding", "")
		d.has("#my-pledge", "20.00", "earned 0.67")
		d.has("#funders", "0.67", "0.33")
		d.here("funder-earned")
		d.signOut()
	}
}

// submit clicks a form's button and waits for the page the form answers
// with — not the page it was sent from — to show sel.
func submit(d *day, what, button, sel string) {
	d.t.Helper()
	if _, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`document.body.dataset.sent = "1"; true`)); err != nil {
		d.t.Fatal(err)
	}
	d.do(what, chromedp.Click(button))
	// The poll is cut short when the page navigates: ask again.
	deadline := time.Now().Add(d.wait)
	for {
		ctx, cancel := context.WithTimeout(d.ctx, time.Until(deadline))
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete" && !document.body.dataset.sent && !!document.querySelector("`+jsEscape(sel)+`")`))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			main, _ := chromedp.Run(d.ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
			d.t.Fatalf("%s at %d px: no %s after it: %v\n%.1500s", what, d.width, sel, err, main)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
