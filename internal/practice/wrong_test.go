package practice

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
)

// TestWrongAnswersFailTheCheck: a run that does the task on the wrong
// data — one box too many, another country, another row — leaves the
// page in a state the check refuses.
func TestWrongAnswersFailTheCheck(t *testing.T) {
	srv := httptest.NewServer(Server{})
	defer srv.Close()
	browser := browsertest.New(t)
	wrong := map[string]func(h *Hand, in Instance) error{
		"checkbox-list": func(h *Hand, in Instance) error {
			n := len(in.Expect["fruit"].([]string))
			for i := range n + 1 { // the wanted number of boxes, and one more
				if err := h.Click(CSS(fmt.Sprintf("#f%d", i))); err != nil {
					return err
				}
			}
			return h.Click(Text("button", "Save"))
		},
		"dropdown": func(h *Hand, in Instance) error {
			other, err := chromedp.Run(h.ctx, chromedp.Evaluate[string](fmt.Sprintf(
				`[...document.querySelectorAll("option")].map(o => o.text).find(t => t !== %s && t !== "Choose…")`, js(in.Expect["country"].(string)))))
			if err != nil {
				return err
			}
			if err := h.Choose(Label("Country of residence"), other); err != nil {
				return err
			}
			return h.Click(Text("button", "Continue"))
		},
		"table-row-action": func(h *Hand, in Instance) error {
			var target string
			for name := range in.Expect {
				target = name
			}
			other, err := chromedp.Run(h.ctx, chromedp.Evaluate[string](fmt.Sprintf(
				`[...document.querySelectorAll("tbody tr")].map(r => r.cells[0].textContent).find(t => t !== %s)`, js(target))))
			if err != nil {
				return err
			}
			return h.Click(TextInRow(other, "button", "Approve"))
		},
	}
	for name, do := range wrong {
		t.Run(name, func(t *testing.T) {
			k, _ := Lookup(name)
			in := k.Generate(7)
			tab, cancel := chromedp.NewContext(browser)
			defer cancel()
			ctx, stop := context.WithTimeout(tab, 30*time.Second)
			defer stop()
			if err := chromedp.Do(ctx, chromedp.Navigate(URL(srv.URL, name, 7))); err != nil {
				t.Fatal(err)
			}
			if err := do(NewHand(ctx, 7), in); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(practice.result())`))
			if err != nil || got == "null" {
				t.Fatalf("the wrong run saved nothing (%v): the check would be false for the wrong reason", err)
			}
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](in.Check())); err != nil || ok {
				t.Errorf("check after a wrong run: %v, %v; the page holds %s", ok, err, got)
			}
		})
	}
}
