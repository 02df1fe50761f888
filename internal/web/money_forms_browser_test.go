package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserMoneyForms: at a laptop's 1280 px and a phone's 390 px, the
// forms that take money show the cooperative's currency beside the field,
// on the field's line and inside the screen: the new project's pay and
// budget, and a steward's deposit on /members. "1,2,3" is refused beside
// the field, saying which mark is which, and what was typed stays; then
// "5.00" is taken as 500 points. No page is wider than the screen and
// axe-core finds nothing serious on the refused forms.
func TestBrowserMoneyForms(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	axe := browsertest.HasAxe(t)
	fits := `document.documentElement.scrollWidth <= window.innerWidth`
	// unitBeside: the unit is shown, right of its field, on the same line,
	// and within the screen.
	unitBeside := func(field string) string {
		return `(() => { const i = document.querySelector("` + field + `"), u = i.closest(".money, form").querySelector(".unit");
			if (!u || !u.checkVisibility()) return "no unit";
			const a = i.getBoundingClientRect(), b = u.getBoundingClientRect();
			if (b.left < a.right || Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) > 4 || b.right > window.innerWidth) return "misplaced: field " + JSON.stringify(a) + " unit " + JSON.stringify(b);
			return u.textContent.trim(); })()`
	}
	deposited := int64(0)
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			wait, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					page, _ := chromedp.Run(ctx, chromedp.Text("main"))
					t.Fatalf("%s: %v\n%s", what, err, page)
				}
			}
			looks := func(page, field string) {
				t.Helper()
				if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); err != nil || !ok {
					t.Errorf("%s is wider than the %d px screen", page, size.width)
				}
				if unit, _ := chromedp.Run(ctx, chromedp.Evaluate[string](unitBeside(field))); unit != "EUR" {
					t.Errorf("%s: the unit beside %s: %s", page, field, unit)
				}
				if axe {
					for _, finding := range browsertest.Axe(t, ctx) {
						t.Errorf("%s: axe-core: %s", page, finding)
					}
				}
			}

			signInBrowser(t, f, ctx, "rita", "/projects/new")
			check("the new project form", chromedp.Do(wait, chromedp.WaitVisible("#project-form")))
			for _, field := range []string{"#pay_per_task", "#budget"} {
				if unit, _ := chromedp.Run(ctx, chromedp.Evaluate[string](unitBeside(field))); unit != "EUR" {
					t.Errorf("the unit beside %s: %s", field, unit)
				}
			}
			label, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("pay_per_task").closest("label").textContent`))
			if !strings.Contains(label, "in EUR") || strings.Contains(label, "point") {
				t.Errorf("the pay's label says %q", label)
			}
			check("send 1,2,3 as the pay", chromedp.Do(wait,
				chromedp.SendKeys("#name", "Chat answers"),
				chromedp.SendKeys("#slug", "chat-"+size.name),
				chromedp.SendKeys("#client", "Helpdesk Co"),
				chromedp.SendKeys("#purpose", "Choose the better reply."),
				chromedp.SendKeys("#instructions", "Pick the better answer."),
				chromedp.SetValue("#task_type", "pairwise"),
				chromedp.SendKeys("#pay_per_task", "1,2,3"),
				chromedp.SendKeys("#budget", "30.00"),
				chromedp.Click("#create-project"),
				chromedp.WaitVisible(`[data-for="pay_per_task"]`),
			))
			msg, _ := chromedp.Run(ctx, chromedp.Text(`[data-for="pay_per_task"]`))
			if !strings.Contains(msg, "a point before the decimals and commas only between thousands, as 1,500.25") {
				t.Errorf("the pay's error says %q", msg)
			}
			if kept, _ := chromedp.Run(ctx, chromedp.Value("#pay_per_task")); kept != "1,2,3" {
				t.Errorf("the pay field holds %q after the refusal", kept)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".field-error").length`)); n != 1 {
				t.Errorf("%d field errors, want the pay's only", n)
			}
			looks("the refused project form", "#pay_per_task")
			t.Logf("project form: %s", browsertest.Screenshot(t, ctx, "money-project-"+size.name))
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "stella", "/members")
			field := `#deposit-` + f.ids["bob"]
			check("send 1,2,3 as a deposit", chromedp.Do(wait,
				chromedp.WaitVisible(field),
				chromedp.SendKeys(field, "1,2,3"),
				chromedp.Submit(field),
				chromedp.WaitVisible("#deposit-error"),
			))
			msg, _ = chromedp.Run(ctx, chromedp.Text("#deposit-error"))
			if !strings.Contains(msg, "a point before the decimals") {
				t.Errorf("the deposit's error says %q", msg)
			}
			if kept, _ := chromedp.Run(ctx, chromedp.Value(field)); kept != "1,2,3" {
				t.Errorf("the deposit field holds %q after the refusal", kept)
			}
			looks("the refused deposit", field)
			t.Logf("deposit: %s", browsertest.Screenshot(t, ctx, "money-deposit-"+size.name))
			check("deposit 5.00", chromedp.Do(wait,
				chromedp.SetValue(field, "5.00"),
				chromedp.Submit(field),
				chromedp.WaitNotPresent("#deposit-error"),
			))
			deposited += 500
			b, err := f.app.Reward.Balance(t.Context(), reward.MemberAccount(f.ids["bob"]))
			if err != nil || b != deposited {
				t.Errorf("bob's balance after depositing 5.00: %d (%v), want %d points", b, err, deposited)
			}
			signOutBrowser(t, ctx)
		})
	}
}
