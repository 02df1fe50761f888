package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserProposalsPlainLists: the proposals page's plain lists (the
// rules no vote can break, the changes waiting, one's delegations) show
// no bullets and no indent, at 1280 and 390 px — style.css has a rule for
// the class the template uses.
func TestBrowserProposalsPlainLists(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/proposals")
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			wait, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			if err := chromedp.Do(wait, chromedp.EmulateViewport(size.width, size.height), chromedp.Navigate(f.srv.URL+"/proposals"), chromedp.WaitVisible("#rules ul.plain")); err != nil {
				t.Fatal(err)
			}
			bulleted, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("ul.plain")].filter(ul =>
				getComputedStyle(ul).listStyleType !== "none" || getComputedStyle(ul).paddingLeft !== "0px").length`))
			if err != nil || bulleted != 0 {
				t.Fatalf("%d plain lists show bullets or an indent (%v)", bulleted, err)
			}
			browsertest.Screenshot(t, ctx, "proposals-rules-"+size.name)
		})
	}
}
