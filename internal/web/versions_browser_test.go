package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
	"github.com/chromedp/chromedp"
)

// TestBrowserTrainPublishAndCall: the builder trains a classifier from the
// model's page (after a mistake the form explains), follows the version's
// page until it is ready, reads its card and publishes it; a client calls
// it with an API key and is told which records shaped the answer; the
// contributor of the most influential record finds the call, the version
// and its receipt on their record's page. On a desktop and on a phone,
// where no page is wider than the screen.
func TestBrowserTrainPublishAndCall(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			owner := withLabelledData(t, f)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			fits := func(page string) {
				t.Helper()
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
					t.Errorf("the %s page is wider than the %d px screen", page, size.width)
				}
			}
			signInBrowser(t, f, ctx, "stella", "/models/router")
			wait, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := chromedp.Do(wait,
				chromedp.WaitVisible("#train-form"),
				chromedp.SetValue("#label_field", "topic"),
				chromedp.SetValue("#held_out", "0.9"),
				chromedp.Submit("#train-form"),
				chromedp.WaitVisible(".field-error"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if msg, _ := chromedp.Run(ctx, chromedp.Text(".field-error")); !strings.Contains(msg, "between 0.05 and 0.5") {
				t.Fatalf("held-out error = %q", msg)
			}
			if v, _ := chromedp.Run(ctx, chromedp.Value("#label_field")); v != "topic" {
				t.Fatalf("the form forgot the field: %q", v)
			}
			fits("model")
			browsertest.Screenshot(t, ctx, "model-train-form-"+size.name)
			err = chromedp.Do(wait,
				chromedp.SetValue("#held_out", "0.25"),
				chromedp.SetValue("#epochs", "30"),
				chromedp.Submit("#train-form"),
				chromedp.WaitVisible("#version-status"),
			)
			if err != nil {
				t.Fatal(err)
			}
			// The page reloads itself while the version trains.
			var status string
			for range 100 {
				// Read between two reloads, the text may be missing.
				status, _ = chromedp.Run(ctx, chromedp.Text("#version-status"))
				if status != "" && status != "queued" && status != "training" {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if status != "ready" {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				t.Fatalf("the version is %q:\n%s", status, page)
			}
			card, _ := chromedp.Run(ctx, chromedp.Text("#card"))
			commitment, _ := chromedp.Run(ctx, chromedp.Text("#commitment"))
			records, _ := chromedp.Run(ctx, chromedp.Text("#records"))
			if len(commitment) != 64 || records == "" || !strings.Contains(card, "held out (25%)") || !strings.Contains(card, "deposit, heating, noise") || !strings.Contains(card, "30 epochs") {
				t.Fatalf("the card: commitment %q, records %q\n%s", commitment, records, card)
			}
			fits("version")
			browsertest.Screenshot(t, ctx, "version-ready-"+size.name)
			err = chromedp.Do(wait,
				chromedp.Click("#publish"),
				chromedp.WaitVisible("#published"),
				chromedp.WaitVisible("#call-predict"),
			)
			if err != nil {
				t.Fatal(err)
			}
			fits("published version")
			browsertest.Screenshot(t, ctx, "version-published-"+size.name)

			// A training in progress, as the page shows it between two
			// epochs (this set trains in milliseconds, so the row is
			// written as the job writes it after epoch 7).
			err = f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
				_, err := tx.ExecContext(t.Context(), `INSERT INTO model_versions (model_id, number, kind, label_field, held_out, datanets, params, status, progress, trained_by, created_at, started_at)
					SELECT id, 2, 'linear', 'topic', 0.2, '["topics"]', '{"epochs":30}', 'training', '{"epoch":7,"epochs":30,"loss":0.4123,"accuracy":0.75,"macro_f1":0.71}', owner_id, $1, $1
					FROM models WHERE slug = 'router'`, time.Now().UnixMilli())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			err = chromedp.Do(wait, chromedp.Navigate(f.srv.URL+"/models/router/versions/2"), chromedp.WaitVisible("#progress"))
			if err != nil {
				t.Fatal(err)
			}
			progress, _ := chromedp.Run(ctx, chromedp.Text("#progress"))
			refresh, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('script[src="/static/live.js"]') !== null && document.querySelector("[data-live]") !== null`))
			if !strings.Contains(progress, "epoch 7 of 30") || !strings.Contains(progress, "0.4123") || !strings.Contains(progress, "75%") || !refresh {
				t.Fatalf("the progress (reloading: %v): %q", refresh, progress)
			}
			fits("training version")
			browsertest.Screenshot(t, ctx, "version-training-"+size.name)
			err = f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
				_, err := tx.ExecContext(t.Context(), `UPDATE model_versions SET status = 'failed' WHERE number = 2`)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			// A client with a key and a deposit calls it.
			clientKey(t, f, "bob")
			if resp := f.do("stella", "POST", "/api/v1/members/"+f.ids["bob"]+"/deposits", "application/json", `{"amount":500}`, nil); resp.StatusCode != 201 {
				t.Fatalf("deposit: %d %s", resp.StatusCode, readBody(t, resp))
			}
			resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"router","messages":[{"role":"user","content":"the radiator stays cold and the boiler shows an error"}]}`, nil)
			body := readBody(t, resp)
			var out struct {
				Choices []struct{ Message struct{ Content string } }
				Att     struct {
					EventID string `json:"event_id"`
					Records []struct {
						ID     string
						Amount int64
					}
				} `json:"allmende_attribution"`
			}
			if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil || out.Choices[0].Message.Content == "" || !strings.Contains("deposit heating noise", out.Choices[0].Message.Content) || len(out.Att.Records) == 0 {
				t.Fatalf("the call: %d %s", resp.StatusCode, body)
			}
			top := out.Att.Records[0]
			who := owner[top.ID]
			if who == "" || top.Amount <= 0 {
				t.Fatalf("the most influential record %+v has no contributor here", top)
			}
			// The contributor sees the call, the version and the receipt
			// (once the log has the split) on their record's page.
			waitLogged(t, f, out.Att.EventID)
			them := browsertest.New(t)
			if err := chromedp.Do(them, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, them, who, "/my-data/"+top.ID)
			if err := chromedp.Do(them, chromedp.WaitVisible("#record-calls")); err != nil {
				t.Fatal(err)
			}
			row, _ := chromedp.Run(them, chromedp.Text("#record-calls tbody tr"))
			receipts, _ := chromedp.Run(them, chromedp.Evaluate[int](`document.querySelectorAll("#record-calls a.receipt").length`))
			if !strings.Contains(row, "Message router") || !strings.Contains(row, "v1") || receipts != 1 {
				t.Fatalf("the record's calls: %q, %d receipts", row, receipts)
			}
			if trained, _ := chromedp.Run(them, chromedp.Text("#record-versions")); !strings.Contains(trained, "router v1") {
				t.Fatalf("the versions trained on the record: %q", trained)
			}
			if ok, _ := chromedp.Run(them, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); !ok {
				t.Errorf("the record page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, them, "record-paid-by-version-"+size.name)
		})
	}
}

// waitLogged waits until the log has the event, so that pages offer its
// receipt.
func waitLogged(t *testing.T, f *fixture, eventID string) {
	t.Helper()
	for range 200 {
		var idx *int64
		if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT log_index FROM ledger_events WHERE event_id = $1`, eventID).Scan(&idx); err == nil && idx != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the log never took event %s", eventID)
}
