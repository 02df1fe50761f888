package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserCuratorMarksGold: at a desktop's width and a phone's, bob,
// a curator of rita's datanet, opens its curator queue from the datanet's
// page, finds the records he accepted below the waiting one, marks one
// gold — the page comes back to that record, says so, badges it and
// counts it — and takes the mark away again. The page fits the screen
// and passes axe-core's rules. ada, who contributed the records but does
// not curate, sees no queue link and no gold buttons.
func TestBrowserCuratorMarksGold(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			goldFixture(t, f)
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
			text := func(sel string) string {
				t.Helper()
				s, err := chromedp.Run(ctx, chromedp.Text(sel))
				check("read "+sel, err)
				return strings.Join(strings.Fields(s), " ")
			}
			deposit := "#accepted-" + f.ids["deposit"]

			signInBrowser(t, f, ctx, "ada", "/datanets/advice")
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#curator-queue, .mark-gold").length`)); n != 0 {
				t.Error("a contributor who does not curate is offered the queue")
			}
			signOutBrowser(t, ctx)

			signInBrowser(t, f, ctx, "bob", "/datanets/advice")
			check("open the queue", chromedp.Do(wait, chromedp.WaitVisible("#curator-queue"), chromedp.Click("#curator-queue"), chromedp.WaitVisible("#accepted")))
			if got := text("#gold-count"); got != "0" {
				t.Errorf("gold records before any mark: %q", got)
			}
			if got := text("#waiting-" + f.ids["repairs"]); !strings.Contains(got, "Who pays for repairs of the heating?") {
				t.Errorf("the waiting record: %q", got)
			}
			if got := text(deposit); !strings.Contains(got, "Can my landlord keep the whole deposit?") || !strings.Contains(got, "Mark gold") {
				t.Errorf("the accepted record's row: %q", got)
			}
			fits := `document.documentElement.scrollWidth <= window.innerWidth`
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the queue scrolls sideways at %d px", size.width)
			}
			if size.width == 390 && browsertest.HasAxe(t) {
				for _, finding := range browsertest.Axe(t, ctx) {
					t.Errorf("axe-core: %s", finding)
				}
			}
			t.Logf("before: %s", browsertest.Screenshot(t, ctx, "curation-gold-before-"+size.name))

			check("mark gold", chromedp.Do(wait, chromedp.Click(deposit+" .mark-gold"), chromedp.WaitVisible("#marked"),
				chromedp.WaitVisible(deposit+" .gold-badge")))
			if got := text("#marked"); got != fmt.Sprintf("Record %s is now a gold record.", f.ids["deposit"]) {
				t.Errorf("the notice: %q", got)
			}
			if got := text("#gold-count"); got != "1" {
				t.Errorf("gold records after the mark: %q", got)
			}
			// The page came back to the record that was marked.
			if hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`)); hash != deposit {
				t.Errorf("the page came back at %q, want %q", hash, deposit)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#accepted-`+f.ids["notice"]+` .gold-badge").length`)); n != 0 {
				t.Error("the other accepted record is badged gold too")
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the queue scrolls sideways at %d px after the mark", size.width)
			}
			t.Logf("marked: %s", browsertest.Screenshot(t, ctx, "curation-gold-marked-"+size.name))

			check("take the mark away", chromedp.Do(wait, chromedp.Click(deposit+" .unmark-gold"),
				chromedp.WaitVisible(deposit+" .mark-gold")))
			if got := text("#marked"); !strings.Contains(got, "is no longer a gold record") || text("#gold-count") != "0" {
				t.Errorf("after taking the mark away: %q, %s gold", got, text("#gold-count"))
			}
		})
	}
}
