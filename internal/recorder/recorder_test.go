package recorder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// shop is a two-page task: type a name, pick a fruit in a table, and
// send; the second page says what was ordered.
const shopPage = `<!doctype html><html><head><title>Order</title></head><body>
<h1>Order fruit</h1>
<p>Instruction: order "figs" for Ada.</p>
<form action="/done" method="post">
<label for="who">Customer</label> <input id="who" name="who">
<label for="pin">PIN</label> <input id="pin" name="pin" type="password">
<table id="fruit"><thead><tr><th>Fruit</th><th>Price</th><th></th></tr></thead><tbody>
<tr><td>Pears</td><td>3</td><td><button type="button" onclick="pick('pears')">Pick</button></td></tr>
<tr><td>Figs</td><td>5</td><td><button type="button" onclick="pick('figs')">Pick</button></td></tr>
</tbody></table>
<input type="hidden" name="fruit" id="fruit-field">
<button id="send">Send</button>
</form>
<script>function pick(f){document.getElementById("fruit-field").value=f;}</script>
</body></html>`

func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, shopPage)
	})
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, _ = io.WriteString(w, `<!doctype html><title>Done</title><h1 id="done">Ordered `+r.PostFormValue("fruit")+`</h1>`)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// hands does the task with trusted input: the DevTools protocol's mouse
// and key events, as the browser sees a person's.
func hands(name string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("who")),
			chromedp.KeyEvent(name),
			chromedp.Click(chromedp.ID("pin")),
			chromedp.KeyEvent("4711"),
			chromedp.Click(chromedp.CSS(`#fruit tbody tr:nth-child(2) button`)),
			chromedp.Click(chromedp.ID("send")),
		)
	}
}

func TestRecordDrivenUntilStopWhen(t *testing.T) {
	s := server(t)
	var started string
	body, err := Record(t.Context(), Options{
		URL:        s.URL + "/",
		Headless:   true,
		StopWhen:   `document.getElementById("done") !== null`,
		Timeout:    45 * time.Second,
		Started:    func(tab string) { started = tab },
		Drive:      hands("Ada Lovelace"),
		KeepValues: false,
	})
	if err != nil {
		t.Fatalf("Record: %v\n%s", err, body)
	}
	if started == "" {
		t.Error("Started was not called")
	}
	rec, err := recording.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, st := range rec.Steps {
		types = append(types, string(st.Type))
	}
	got := strings.Join(types, " ")
	for _, want := range []string{"setViewport navigate", "change", "click"} {
		if !strings.Contains(got, want) {
			t.Errorf("steps %q lack %q", got, want)
		}
	}
	if strings.Contains(string(body), "Ada Lovelace") || strings.Contains(string(body), "4711") {
		t.Errorf("a typed value was sent unmasked:\n%s", body)
	}
	if rec.Allmende == nil || len(rec.Allmende.Masked) != 2 {
		t.Errorf("want the two typed fields masked, got %+v", rec.Allmende)
	}
	checkTargetsAndOutlines(t, rec)
	last := rec.Steps[len(rec.Steps)-1]
	if last.Type != recording.StepClick || len(last.AssertedEvents) == 0 || !strings.HasSuffix(last.AssertedEvents[0].URL, "/done") {
		t.Errorf("the last step should be the click that opened /done, got %+v", last)
	}
}

func TestRecordKeepValuesMakesParameters(t *testing.T) {
	s := server(t)
	body, err := Record(t.Context(), Options{
		URL:        s.URL + "/",
		Headless:   true,
		Timeout:    45 * time.Second,
		Drive:      hands("Grace"),
		StopWhen:   `!!document.getElementById("done")`,
		KeepValues: true,
	})
	if err != nil {
		t.Fatalf("Record: %v\n%s", err, body)
	}
	rec, err := recording.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	params := rec.Parameters()
	if len(params) != 1 || params[0].Name != "customer" || params[0].Default != "Grace" {
		t.Errorf("parameters = %+v, want customer with default Grace (and never the PIN)", params)
	}
	if strings.Contains(string(body), "4711") {
		t.Errorf("the PIN was sent:\n%s", body)
	}
	// The member keeps the values, so the typed field's target shows it.
	kept := false
	for _, tg := range rec.Allmende.Targets {
		if tg.Label == "Customer" && rec.Steps[tg.Step].Type == recording.StepChange {
			kept = tg.Value == "Grace" && !tg.Masked
		}
	}
	if !kept {
		t.Errorf("the Customer change's target should keep Grace: %+v", rec.Allmende.Targets)
	}
}

// With a DevTools port, another program drives the tab and closes it:
// closing the tab ends the recording, which keeps what was done.
func TestRecordUntilTheTabCloses(t *testing.T) {
	s := server(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	hands := make(chan error, 1)
	body, err := Record(t.Context(), Options{
		URL: s.URL + "/", Headless: true, DebugPort: port, Timeout: 45 * time.Second,
		Started: func(tab string) {
			go func() {
				alloc, cancel := remote.NewAllocator(t.Context(), fmt.Sprintf("http://127.0.0.1:%d", port))
				defer cancel()
				ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithTargetID(target.ID(tab)))
				defer cancelCtx()
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#fruit tbody tr:nth-child(1) button`))); err != nil {
					hands <- err
					return
				}
				hands <- chromedp.Cancel(ctx) // closes the tab, as a person does

			}()
		},
	})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := <-hands; err != nil {
		t.Fatalf("the hands: %v", err)
	}
	rec, err := recording.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	clicks := 0
	for _, st := range rec.Steps {
		if st.Type == recording.StepClick {
			clicks++
		}
	}
	if clicks != 1 || len(rec.Allmende.Targets) != 1 || rec.Allmende.Targets[0].Place.RowKey != "Pears" {
		t.Errorf("want the one click on Pears' button, got %d clicks, targets %+v", clicks, rec.Allmende.Targets)
	}
}

func TestRecordErrors(t *testing.T) {
	s := server(t)
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"no URL", Options{}, "no URL"},
		{"not a URL", Options{URL: "ftp://x/"}, "not an http"},
		{"no host", Options{URL: "http:///x"}, "no host"},
		{"no browser", Options{URL: s.URL, Browser: "/nonexistent/chromium"}, "no browser"},
		{"nothing listening", Options{URL: "http://127.0.0.1:1/", Headless: true, Timeout: 20 * time.Second}, "opening http://127.0.0.1:1/"},
		{"bad init script", Options{URL: s.URL, Headless: true, InitScript: "throw new Error('no instance')", Timeout: 20 * time.Second}, "init script"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Record(t.Context(), c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
		})
	}
}

func TestRecordStopWhenNeverTrueTimesOut(t *testing.T) {
	s := server(t)
	_, err := Record(t.Context(), Options{URL: s.URL, Headless: true, StopWhen: "false", Timeout: 4 * time.Second})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), `"false" was never true`) {
		t.Fatalf("err = %v, want a timeout naming the stop-when expression", err)
	}
}

// checkTargetsAndOutlines checks what a learner needs: the Pick button
// found by its row, the PIN field described but never read, and an outline
// of each page (the order form at the start, the answer after the click
// that sent it).
func checkTargetsAndOutlines(t *testing.T, rec recording.Recording) {
	t.Helper()
	x := rec.Allmende
	var pick, pin *recording.Target
	for i := range x.Targets {
		tg := &x.Targets[i]
		if tg.Step < 0 || tg.Step >= len(rec.Steps) {
			t.Fatalf("target of step %d: no such step", tg.Step)
		}
		switch {
		case tg.Role == "button" && tg.Name == "Pick":
			pick = tg
		case tg.Label == "PIN" && rec.Steps[tg.Step].Type == recording.StepChange:
			pin = tg
		}
	}
	if pick == nil || pick.Place == nil || pick.Place.Row != 1 || pick.Place.RowKey != "Figs" || pick.Place.Column != 2 {
		t.Errorf("the Pick target should name row 1, Figs, column 2: %+v", pick)
	} else if pick.Ref < 0 || x.Outlines[0].Nodes[pick.Ref].Name != "Pick" {
		t.Errorf("the Pick target's ref %d is not its node in the first outline", pick.Ref)
	}
	if pin == nil || !pin.Sensitive || !pin.Masked || pin.Value != "" {
		t.Errorf("the PIN field's target must be sensitive and masked: %+v", pin)
	}
	if len(x.Outlines) != 2 {
		t.Fatalf("%d outlines, want the start page's and the answer's", len(x.Outlines))
	}
	first, answer := x.Outlines[0], x.Outlines[1]
	if first.Before != 0 || !hasNode(first, "p", `Instruction: order "figs" for Ada.`) || !hasNode(first, "td", "Pears") {
		t.Errorf("the first outline lacks the instruction or the table: %+v", first)
	}
	if answer.Before != len(rec.Steps) || !strings.HasSuffix(answer.URL, "/done") || !hasNode(answer, "h1", "Ordered figs") {
		t.Errorf("the last outline should be the answer page, before step %d: %+v", len(rec.Steps), answer)
	}
}

func hasNode(o recording.Outline, tag, text string) bool {
	for _, n := range o.Nodes {
		if n.Tag == tag && n.Text == text {
			return true
		}
	}
	return false
}

// A page that sends the browser to a sensitive site ends the recording
// there, with the recorder's reason, instead of waiting for a condition
// on a page nobody records.
func TestRecordStopsAtASensitiveSite(t *testing.T) {
	s := server(t)
	_, err := Record(t.Context(), Options{
		URL: s.URL + "/", Headless: true, Timeout: 30 * time.Second,
		StopWhen: "false",
		Drive: func(ctx context.Context) error {
			// The address resolves nowhere; the recorder stops before
			// the browser asks.
			_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`location.href = "https://www.paypal.com/signin"`))
			return err
		},
	})
	if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "paypal.com") {
		t.Fatalf("err = %v, want the recorder's stop naming paypal.com", err)
	}
}

// One browser makes one recording after another: the second is its own,
// with nothing of the first.
func TestBrowserRecordsOneAfterAnother(t *testing.T) {
	s := server(t)
	b, err := Launch(t.Context(), Options{Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var bodies []string
	for _, name := range []string{"Ada", "Bo"} {
		body, err := b.Record(t.Context(), Options{
			URL: s.URL + "/", Timeout: 30 * time.Second, KeepValues: true,
			Drive: hands(name), StopWhen: `!!document.getElementById("done")`,
		})
		if err != nil {
			t.Fatalf("recording %s: %v", name, err)
		}
		bodies = append(bodies, string(body))
	}
	for i, name := range []string{"Ada", "Bo"} {
		rec, err := recording.Parse([]byte(bodies[i]))
		if err != nil {
			t.Fatal(err)
		}
		p := rec.Parameters()
		if len(p) != 1 || p[0].Default != name || len(rec.Allmende.Outlines) != 2 {
			t.Errorf("recording %d: parameters %+v, %d outlines; want %s and 2", i, p, len(rec.Allmende.Outlines), name)
		}
	}
	b.Close()
	if _, err := b.Record(t.Context(), Options{URL: s.URL}); err == nil {
		t.Error("a closed browser recorded")
	}
}
