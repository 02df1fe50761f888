package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserKAnonymousExport: a steward starts a k-anonymous export on a
// datanet's page, first with a k larger than the datanet, which the
// preview page explains beside the field; then previews k = 3 over three
// fields — every record exported, none suppressed, generalised ages
// marked, the erased record nowhere — and downloads the CSV the page links
// to. At a desktop's width and a phone's, nothing is wider than the screen.
func TestBrowserKAnonymousExport(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withSurvey(t, f)
	erased := surveyNotes[surveyErased].text
	fits := `document.documentElement.scrollWidth <= window.innerWidth`
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, ctx, "stella", "/datanets/survey")
			wait, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := chromedp.Do(wait,
				chromedp.WaitVisible("#k-anonymous"),
				chromedp.SetValue("#kanon-k", "9"),
				chromedp.Click(`#kanon-start input[value="age"]`),
				chromedp.Click(`#kanon-start input[value="region"]`),
			)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the datanet page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "kanon-datanet-"+size.name)
			err = chromedp.Do(wait,
				chromedp.Click("#kanon-open"),
				chromedp.WaitVisible("#k-error"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("a k above the records: %v\n%s", err, page)
			}
			msg, _ := chromedp.Run(ctx, chromedp.Text("#k-error"))
			if !strings.Contains(msg, "at most 6") {
				t.Fatalf("beside k: %q", msg)
			}
			// What was chosen is still chosen.
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#quasi-age").checked && document.querySelector("#quasi-region").checked && !document.querySelector("#quasi-job").checked && document.querySelector("#k").value === "9"`)); !ok {
				t.Fatal("the form lost what was chosen")
			}
			browsertest.Screenshot(t, ctx, "kanon-error-"+size.name)

			err = chromedp.Do(wait,
				chromedp.SetValue("#k", "3"),
				chromedp.Click("#quasi-job"),
				chromedp.Click("#kanon-preview"),
				chromedp.WaitVisible("#kanon-result"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("preview: %v\n%s", err, page)
			}
			exported, _ := chromedp.Run(ctx, chromedp.Text("#kanon-exported"))
			suppressed, _ := chromedp.Run(ctx, chromedp.Text("#kanon-suppressed"))
			groups, _ := chromedp.Run(ctx, chromedp.Text("#kanon-groups"))
			marked, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#kanon-sample mark.generalised")].map(m => m.textContent)`))
			rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#kanon-sample tbody tr").length`))
			page, _ := chromedp.Run(ctx, chromedp.Text("main"))
			if exported != "6" || suppressed != "0" || groups != "2" || rows != 6 || len(marked) < 6 || !strings.HasPrefix(marked[0], "[") {
				t.Fatalf("preview: exported %q, suppressed %q, groups %q, %d rows, marked %v", exported, suppressed, groups, rows, marked)
			}
			if strings.Contains(page, erased) {
				t.Fatal("the erased record is in the preview")
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the preview is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "kanon-preview-"+size.name)

			// The download the page links to, fetched as the link would.
			csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#download-csv").href).then(r => r.ok ? r.text() : Promise.reject(r.status))`, chromedp.EvalAwaitPromise))
			if err != nil || !strings.HasPrefix(csv, "text,age,region,job\n") || strings.Count(csv, "\n") != 7 || strings.Contains(csv, erased) {
				t.Fatalf("the CSV download: %v\n%s", err, csv)
			}
		})
	}
}
