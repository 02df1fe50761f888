package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAxeLeavesOutOnlyRulesThatCannotBeSerious: on a page that breaks
// rules of every impact, Axe finds exactly the serious and critical
// findings that all of axe-core's rules, filtered afterwards, find; and
// the rules it turns off include moderate ones the page breaks.
func TestAxeLeavesOutOnlyRulesThatCannotBeSerious(t *testing.T) {
	if os.Getenv("ALLMENDE_AXE") == "" && os.Getenv("CI") == "" {
		t.Skip("set ALLMENDE_AXE to a node_modules folder holding axe-core")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>t</title>
<p>outside any landmark</p>
<main><h1>Page</h1><h4>skipped levels</h4><h2></h2>
<img src="/x.png"><button></button><a href="/a"></a>
<p style="color:#aaa;background:#fff">faint text</p>
<input type="text"><div tabindex="3">tab</div>
<table><tr><th></th><td>x</td></tr></table>
</main></html>`)
	}))
	t.Cleanup(srv.Close)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range Axe(t, ctx) {
		got = append(got, f.ID+" "+f.Impact)
	}
	type finding struct{ ID, Impact string }
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]finding](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var want, minor []string
	for _, f := range all {
		if f.Impact == "serious" || f.Impact == "critical" {
			want = append(want, f.ID+" "+f.Impact)
		} else {
			minor = append(minor, f.ID)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) < 4 {
		t.Errorf("Axe found %v; all rules, filtered, find %v", got, want)
	}
	off, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]map[string]bool](axeMinorRulesJS))
	if err != nil {
		t.Fatal(err)
	}
	if len(minor) == 0 {
		t.Fatal("the page breaks no rule of moderate or minor impact")
	}
	for _, id := range minor {
		if _, ok := off[id]; !ok {
			t.Errorf("%s, which found a finding of moderate or minor impact, still runs", id)
		}
	}
	for _, id := range []string{"color-contrast", "image-alt", "button-name", "link-name", "label"} {
		if _, ok := off[id]; ok {
			t.Errorf("%s, which finds serious or critical findings, is turned off", id)
		}
	}
	t.Logf("%d rules turned off; moderate or minor findings on the page: %v", len(off), minor)
}
