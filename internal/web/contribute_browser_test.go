package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
)

// The contribution the member types: a name the detector finds, one it
// misses (the member hides it), an e-mail address after a character
// outside the BMP (two UTF-16 units in the page, one code point on the
// server), and the cooperative's public phone number, which the detector
// finds and the member keeps.
const (
	markerName     = "Quirinus Zwetschgenbaum"
	markerMissed   = "Brennessel" // a surname alone: the detector misses it (README)
	markerEmail    = "quirinus.zwetschgenbaum@example.org"
	keptPhone      = "+49 30 1234567"
	contributeText = "My name is " + markerName + " 🙂 and my neighbour " + markerMissed + " borrowed the ladder. Write to " +
		markerEmail + " or ask the garden office, Tel. " + keptPhone + "."
)

// sentRequests intercepts every request the tab makes (the Fetch domain
// pauses each one until the test lets it go on) and keeps what it would
// send: URL, headers and body.
type sentRequests struct {
	mu   sync.Mutex
	sent []string
	errs []string
}

func interceptAll(t *testing.T, ctx context.Context) *sentRequests {
	t.Helper()
	s := &sentRequests{}
	events := chromedp.Events(ctx, fetch.RequestPaused)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s\n", ev.Request.Method, ev.Request.URL)
			for k, v := range ev.Request.Headers {
				fmt.Fprintf(&b, "%s: %v\n", k, v)
			}
			for _, e := range ev.Request.PostDataEntries {
				b.Write(e.Bytes) // decoded from the protocol's base64
			}
			s.mu.Lock()
			if ev.Request.HasPostData && len(ev.Request.PostDataEntries) == 0 {
				s.errs = append(s.errs, "a request's body was not shown to the test: "+ev.Request.URL)
			}
			s.sent = append(s.sent, b.String())
			s.mu.Unlock()
			_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				return err
			}))
		}
	}()
	return s
}

func (s *sentRequests) all() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...), append([]string(nil), s.errs...)
}

// TestBrowserContributeRedactsLocally: on the contribute page the
// WebAssembly module finds personal data in the browser; the member keeps
// a finding that is not personal and hides a name it missed; every
// request the page makes is intercepted, and none carries the raw name,
// the missed name or the e-mail address; the stored record is the
// redacted text, with the kept number. At a laptop's and a phone's width.
func TestBrowserContributeRedactsLocally(t *testing.T) {
	parallel(t) // each subtest sets up a cooperative of its own
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			withDatanets(t, f)
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			reqs := interceptAll(t, ctx)
			signInBrowser(t, f, ctx, "ada", "/datanets/tenancy")
			err := chromedp.Do(ctx,
				chromedp.WaitVisible("#grant"),
				chromedp.Click("#grant"),
				chromedp.WaitVisible("#contribute-form"), // shown once the module runs
				chromedp.SendKeys("#question", "May I lend my neighbour the shared ladder?"),
				chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const a = document.getElementById("answer"); a.value = %q; a.dispatchEvent(new Event("input", {bubbles: true})); })()`, contributeText)),
				chromedp.Click("#preview-button"),
				chromedp.WaitVisible("#check-button"),
			)
			if err != nil {
				t.Fatal(err)
			}
			shown, _ := chromedp.Run(ctx, chromedp.Text("#redaction-text-answer"))
			if !strings.Contains(shown, markerName) {
				t.Fatalf("the preview should show the member their own text with the findings marked: %q", shown)
			}
			marks, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#redaction-text-answer mark.pii.hidden")].map(m => m.textContent + "=" + m.dataset.type)`))
			for _, want := range []string{markerName + "=<PERSON>", markerEmail + "=<EMAIL_ADDRESS>"} {
				if !contains(marks, want) {
					t.Fatalf("marked for replacing: %q, want %q among them", marks, want)
				}
			}
			// Keep the office's number: click it.
			err = chromedp.Do(ctx,
				chromedp.Click(`#redaction-text-answer mark.pii.hidden[data-type="<PHONE_NUMBER>"]`),
				chromedp.WaitVisible(`#redaction-text-answer mark.pii.kept`),
				// Hide the neighbour's name: select it, then "Hide".
				chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
					const box = document.getElementById("redaction-text-answer");
					const walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
					for (let n = walk.nextNode(); n; n = walk.nextNode()) {
						const i = n.data.indexOf(%q);
						if (i >= 0) { window.getSelection().setBaseAndExtent(n, i, n, i + %d); return; }
					}
					throw new Error("name not in the preview");
				})()`, markerMissed, len(markerMissed))),
				chromedp.Click("#hide-answer"),
				chromedp.WaitVisible(`#redaction-text-answer mark.pii.member`),
				chromedp.Click("#check-button"),
				chromedp.WaitVisible("#preview-summary"),
				chromedp.WaitEnabled("#submit-button"),
			)
			if err != nil {
				t.Fatal(err)
			}
			toSend, _ := chromedp.Run(ctx, chromedp.Text("#redaction-answer pre.redacted"))
			for _, raw := range []string{markerName, markerMissed, markerEmail} {
				if strings.Contains(toSend, raw) {
					t.Fatalf("what will be sent still holds %q: %q", raw, toSend)
				}
			}
			if !strings.Contains(toSend, keptPhone) {
				t.Fatalf("the kept number is not in what will be sent: %q", toSend)
			}
			fits, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
			if !fits {
				t.Errorf("the page scrolls sideways at %d px", width)
			}
			if width == 390 && browsertest.HasAxe(t) {
				for _, finding := range browsertest.Axe(t, ctx) {
					t.Errorf("axe-core: %s", finding)
				}
			}
			browsertest.Screenshot(t, ctx, fmt.Sprintf("contribute-local-redaction-%d", width))
			err = chromedp.Do(ctx,
				chromedp.Click("#submit-button"),
				chromedp.WaitVisible("#added"),
			)
			if err != nil {
				t.Fatal(err)
			}

			sent, errs := reqs.all()
			for _, e := range errs {
				t.Error(e)
			}
			sawContribution := false
			for _, r := range sent {
				for _, raw := range []string{markerName, markerMissed, markerEmail, "Zwetschgenbaum", "Brennessel"} {
					if strings.Contains(r, raw) {
						t.Errorf("a request carried %q:\n%s", raw, r)
					}
				}
				if strings.Contains(r, "/contributions?checked=true") && !strings.Contains(r, "dry_run") && strings.Contains(r, "<EMAIL_ADDRESS>") {
					sawContribution = true
				}
			}
			if !sawContribution {
				t.Fatalf("the interception saw no contribution being sent (%d requests); it proves nothing", len(sent))
			}

			var stored []datanet.Exported
			if _, err := f.app.Datanets.Export(t.Context(), "tenancy", func(x datanet.Exported) error { stored = append(stored, x); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(stored) != 1 {
				t.Fatalf("stored %d records, want 1", len(stored))
			}
			got := stored[0].Record.Answer
			want := "My name is <PERSON> 🙂 and my neighbour <PERSON> borrowed the ladder. Write to <EMAIL_ADDRESS> or ask the garden office, Tel. " + keptPhone + "."
			if got != want {
				t.Fatalf("stored answer\n%q\nwant the redacted one\n%q", got, want)
			}
		})
	}
}

// TestBrowserContributeNeedsScript: without JavaScript the form is not
// offered (it would send the raw text) and the page says why.
func TestBrowserContributeNeedsScript(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/datanets/tenancy")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#grant"),
		chromedp.Click("#grant"),
		chromedp.WaitVisible("#contribute-form"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Reload(),
		chromedp.WaitVisible("#needs-script"),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text("#needs-script"))
	if !strings.Contains(msg, "needs JavaScript") || !strings.Contains(msg, "never sent as it is") {
		t.Fatalf("no-script message = %q", msg)
	}
	visible, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const f = document.getElementById("contribute-form"); return !f.hidden && f.offsetParent !== null; })()`))
	if visible {
		t.Fatal("without JavaScript the form is offered, and would send the raw text")
	}
}

// TestContributeCheckedAPI: with checked=true the API takes text redacted
// on the member's machine: raw personal data is refused with its type and
// place, a finding the member confirmed keeping passes, and the record is
// stored as it came.
func TestContributeCheckedAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	const path = "/api/v1/datanets/tenancy/contributions?checked=true"
	kept := `Only for damage beyond normal wear. Ask the office, Tel. +49 30 1234567.`
	start := len([]rune(kept)) - len("+49 30 1234567.")
	runScenarios(t, f, []scenario{
		{name: "consent", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"grant"}`, status: 200},
		{name: "raw e-mail refused", as: "ada", method: "POST", path: path, body: qaRecord, status: 422, errCode: "invalid", errField: "records[0].answer",
			contains: []string{"EMAIL_ADDRESS at characters"}, notContains: []string{"ada@example.org"}},
		{name: "unconfirmed number refused", as: "ada", method: "POST", path: path, body: `{"question":"Can my landlord keep my deposit?","answer":"` + kept + `"}`,
			status: 422, errCode: "invalid", errField: "records[0].answer", contains: []string{"PHONE_NUMBER at characters"}},
		{name: "confirmed number kept", as: "ada", method: "POST", path: path,
			body:   `{"question":"Can my landlord keep my deposit?","answer":"` + kept + `","kept":[{"field":"answer","start":` + fmt.Sprint(start) + `,"end":` + fmt.Sprint(start+14) + `,"type":"PHONE_NUMBER"}]}`,
			status: 201, contains: []string{`"accepted": 1`, "+49 30 1234567"}},
	})
}

// TestBrowserContributeFileRedactsLocally: a JSON Lines file is read and
// redacted in the browser; the requests carry only the redacted records,
// and a line that is not JSON stops it before anything is sent.
func TestBrowserContributeFileRedactsLocally(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	dir := t.TempDir()
	good := filepath.Join(dir, "records.jsonl")
	bad := filepath.Join(dir, "bad.jsonl")
	lines := `{"question":"Who fixes the heating?","answer":"The landlord does. Ask ` + markerEmail + ` how it went."}` + "\n" +
		`{"question":"Can I sublet my room?","answer":"Only with the landlord's consent. Dear ` + markerName + `, Tel. 030 98765432."}` + "\n"
	if err := os.WriteFile(good, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"question":"Noise?","answer":"Write to `+markerEmail+`"`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	reqs := interceptAll(t, ctx)
	signInBrowser(t, f, ctx, "ada", "/datanets/tenancy")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#grant"),
		chromedp.Click("#grant"),
		chromedp.WaitVisible("#contribute-form"),
		chromedp.Click("#contribute-form details summary"),
		chromedp.SetUploadFiles("#records-file", []string{bad}),
		chromedp.Click("#preview-button"),
		chromedp.WaitVisible("#preview .error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text("#preview .error"))
	if !strings.Contains(msg, "Line 1 of the file is not JSON") || !strings.Contains(msg, "nothing was sent") {
		t.Fatalf("a bad line: %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#records-file", []string{good}),
		chromedp.Click("#preview-button"),
	)
	if err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = chromedp.Do(wait, chromedp.WaitVisible("#preview .outcome"))
	cancel()
	browsertest.Screenshot(t, ctx, "contribute-file")
	if err != nil {
		p, _ := chromedp.Run(ctx, chromedp.Text("#contribute"))
		t.Fatalf("no outcome: %v; page: %q", err, p)
	}
	if p, _ := chromedp.Run(ctx, chromedp.Text("#preview")); !strings.Contains(p, "2 of 2 would be accepted") {
		t.Fatalf("file preview: %q", p)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitEnabled("#submit-button"),
		chromedp.Click("#submit-button"),
		chromedp.WaitVisible("#added"),
	)
	if err != nil {
		t.Fatal(err)
	}
	sent, errs := reqs.all()
	for _, e := range errs {
		t.Error(e)
	}
	for _, r := range sent {
		for _, raw := range []string{markerName, markerEmail, "98765432"} {
			if strings.Contains(r, raw) {
				t.Errorf("a request carried %q:\n%s", raw, r)
			}
		}
	}
	var stored []datanet.Exported
	if _, err := f.app.Datanets.Export(t.Context(), "tenancy", func(x datanet.Exported) error { stored = append(stored, x); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 {
		t.Fatalf("stored %d records, want 2", len(stored))
	}
	for _, x := range stored {
		if !strings.Contains(x.Record.Answer, "<") {
			t.Errorf("stored answer has no placeholder: %q", x.Record.Answer)
		}
	}
}
