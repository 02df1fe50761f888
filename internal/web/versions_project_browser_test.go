package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
	"github.com/chromedp/chromedp"
)

// TestBrowserTrainFromProject: the builder picks "an annotation project"
// on the model's page (forgetting to choose one first, which the form
// explains), chooses their text-classification project and trains; the
// version's page shows the progress the real training job writes — the
// job is held after its third epoch so the page can be read between two
// epochs — and then the card of the version trained on the project's
// decided items. On a desktop and on a phone, where no page is wider
// than the screen.
func TestBrowserTrainFromProject(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			withLabelledData(t, f)
			withTicketsProject(t, f, "tickets", func(topic string) string { return topic })

			// Hold the training after its third epoch until the page has
			// been read.
			const holdAt = 3
			held, release := make(chan model.TrainProgress, 1), make(chan struct{})
			var once sync.Once
			free := func() { once.Do(func() { close(release) }) }
			t.Cleanup(free)
			f.app.Models.OnEpoch(func(_ int64, p model.TrainProgress) {
				if p.Epoch == holdAt {
					held <- p
					<-release
				}
			})

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
			wait, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			err := chromedp.Do(wait,
				chromedp.WaitVisible("#train-source"),
				chromedp.Click("#source-project"),
				chromedp.Submit("#train-form"),
				chromedp.WaitVisible(".field-error"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if msg, _ := chromedp.Run(ctx, chromedp.Text(".field-error")); !strings.Contains(msg, "choose one of your text-classification projects") {
				t.Fatalf("the missing project's error = %q", msg)
			}
			if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#source-project").checked`)); !on {
				t.Fatal("the form forgot the chosen source")
			}
			options, _ := chromedp.Run(ctx, chromedp.Text("#train-project"))
			if !strings.Contains(options, "Tenant tickets tickets (tickets)") {
				t.Fatalf("the project choices: %q", options)
			}
			fits("model")
			browsertest.Screenshot(t, ctx, "model-train-from-project-"+size.name)
			err = chromedp.Do(wait,
				chromedp.SetValue("#train-project", "tickets"),
				chromedp.SetValue("#held_out", "0.2"),
				chromedp.SetValue("#epochs", "12"),
				chromedp.Submit("#train-form"),
				chromedp.WaitVisible("#version-status"),
			)
			if err != nil {
				t.Fatal(err)
			}
			var p model.TrainProgress
			select {
			case p = <-held:
			case <-wait.Done():
				t.Fatal("the training never reached its third epoch")
			}
			// The page reloads itself every two seconds while it trains.
			want := fmt.Sprintf("epoch %d of 12", holdAt)
			var progress string
			for range 100 {
				progress, _ = chromedp.Run(ctx, chromedp.Text("#progress"))
				if strings.Contains(progress, want) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if !strings.Contains(progress, want) || !strings.Contains(progress, fmt.Sprintf("%.4f", p.Loss)) || !strings.Contains(progress, fmt.Sprintf("%.3f", p.MacroF1)) {
				t.Fatalf("the page shows %q; the job wrote epoch %d, loss %.4f, macro-F1 %.3f", progress, p.Epoch, p.Loss, p.MacroF1)
			}
			fits("training version")
			browsertest.Screenshot(t, ctx, "version-training-from-project-"+size.name)
			free()

			var status string
			for range 100 {
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
			trained, _ := chromedp.Run(ctx, chromedp.Text("#trained-project"))
			commitment, _ := chromedp.Run(ctx, chromedp.Text("#commitment"))
			if trained != "tickets" || len(commitment) != 64 || !strings.Contains(card, "decided items in the weights") || !strings.Contains(card, "deposit, heating, noise") {
				t.Fatalf("the card (project %q, commitment %q):\n%s", trained, commitment, card)
			}
			fits("version")
			browsertest.Screenshot(t, ctx, "version-from-project-"+size.name)
		})
	}
}
