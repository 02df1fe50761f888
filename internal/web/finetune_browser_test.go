package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserFineTuneExportAndLoRA: a steward makes a version of a
// datanet on its page and downloads it for a trainer; then registers the
// adapter trained on it as a model — first naming a version that does
// not exist, which the form explains beside the field — and the model's
// page shows the adapter and the version with its commitment. At a
// desktop's width and a phone's, nothing is wider than the screen.
func TestBrowserFineTuneExportAndLoRA(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withModelData(t, f)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	fits := `document.documentElement.scrollWidth <= window.innerWidth`
	for i, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, ctx, "stella", "/datanets/tenancy")
			wait, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := chromedp.Do(wait,
				chromedp.WaitVisible("#finetune"),
				chromedp.Click("#make-version"),
				chromedp.WaitVisible("#versions"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("make a version: %v\n%s", err, page)
			}
			// The second run's page already lists the first version: wait
			// for the new row, not only for the table, and ride out the
			// navigation the form makes meanwhile.
			rows := 0
			for deadline := time.Now().Add(30 * time.Second); rows != i+1 && time.Now().Before(deadline); {
				n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#versions tbody tr").length`))
				if err == nil {
					rows = n
				}
				if rows != i+1 {
					time.Sleep(100 * time.Millisecond)
				}
			}
			if rows != i+1 {
				t.Fatalf("%d versions listed, want %d", rows, i+1)
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the datanet page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "finetune-datanet-"+size.name)
			// The download, fetched as the form would ask for it: a zip.
			magic, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const form = document.querySelector("#versions tbody tr form");
				form.querySelector("select").value = "alpaca";
				const url = form.action + "?format=" + form.querySelector("select").value;
				return fetch(url).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => String.fromCharCode(...new Uint8Array(b).slice(0, 2)));
			})()`, chromedp.EvalAwaitPromise))
			if err != nil || magic != "PK" {
				t.Fatalf("the download is not a zip: %q %v", magic, err)
			}
			id := "lora-" + size.name
			err = chromedp.Do(wait,
				chromedp.Navigate(f.srv.URL+"/models/new"),
				chromedp.WaitVisible("#model-form"),
				chromedp.SendKeys("#name", "Tenancy LoRA"),
				chromedp.SendKeys("#id", id),
				chromedp.SendKeys("#datanets", "tenancy"),
				chromedp.SetValue("#kind", "openai"),
				chromedp.SendKeys("#upstream_url", up.URL+"/v1"),
				chromedp.SendKeys("#upstream_model", "base"),
				chromedp.SendKeys("#adapter", "tenancy-v1"),
				chromedp.SendKeys("#trained_on_datanet", "tenancy"),
				chromedp.SendKeys("#trained_on_version", "9"),
				chromedp.SetValue("#price_per_call", "1.00"),
				chromedp.Submit("#model-form"),
				chromedp.WaitVisible(".field-error"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("register with a wrong version: %v\n%s", err, page)
			}
			msg, _ := chromedp.Run(ctx, chromedp.Text("#assistant .field-error"))
			if !strings.Contains(msg, "no version 9") {
				t.Fatalf("the form says %q beside the version", msg)
			}
			browsertest.Screenshot(t, ctx, "finetune-model-error-"+size.name)
			err = chromedp.Do(wait,
				chromedp.SetValue("#trained_on_version", "1"),
				chromedp.Submit("#model-form"),
				chromedp.WaitVisible("#trained-on"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("register: %v\n%s", err, page)
			}
			adapter, _ := chromedp.Run(ctx, chromedp.Text("#adapter"))
			trained, _ := chromedp.Run(ctx, chromedp.Text("#trained-on"))
			if adapter != "tenancy-v1" || !strings.Contains(trained, "tenancy version 1") || !strings.Contains(trained, "2 records") {
				t.Fatalf("model page: adapter %q, trained on %q", adapter, trained)
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the model page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "finetune-model-"+size.name)
		})
	}
}
