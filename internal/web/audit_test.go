package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
)

// eventsOf returns a member's events through the API, waiting until they
// all have a log index.
func eventsOf(t *testing.T, f *fixture, name string) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp := f.do(name, "GET", "/api/v1/members/me/events", "", "", nil)
		var body struct{ Events []map[string]any }
		if err := json.Unmarshal([]byte(readBody(t, resp)), &body); err != nil {
			t.Fatal(err)
		}
		logged := len(body.Events) > 0
		for _, e := range body.Events {
			if e["log_index"] == nil {
				logged = false
			}
		}
		if logged {
			return body.Events
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's events were not published: %+v", name, body.Events)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReceiptsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ada := eventsOf(t, f, "ada")
		bob := eventsOf(t, f, "bob")
		if len(ada) != 1 || ada[0]["type"] != "member.joined" {
			t.Fatalf("ada's events: %+v", ada)
		}
		adaReceipt := ada[0]["receipt"].(string)
		bobReceipt := bob[0]["receipt"].(string)
		runScenarios(t, f, []scenario{
			{name: "own events", as: "ada", method: "GET", path: "/api/v1/members/{ada}/events", status: 200, contains: []string{`"member.joined"`, `"log_index"`}},
			{name: "another member's events", as: "ada", method: "GET", path: "/api/v1/members/{bob}/events", status: 403, errCode: "forbidden"},
			{name: "another member's receipt", as: "ada", method: "GET", path: bobReceipt, status: 404, errCode: "not_found"},
			{name: "receipt without a session", method: "GET", path: adaReceipt, status: 401, errCode: "unauthorized"},
			{name: "own receipt", as: "ada", method: "GET", path: adaReceipt, status: 200, contains: []string{`"format": "allmende-receipt@v1"`, "c2sp.org/tlog-proof@v1", `"salt"`}},
			{name: "own receipt as tlog-proof", as: "ada", method: "GET", path: adaReceipt + "?format=tlog-proof", status: 200, contains: []string{"c2sp.org/tlog-proof@v1\nextra "}},
			{name: "unknown receipt format", as: "ada", method: "GET", path: adaReceipt + "?format=pdf", status: 422, errCode: "invalid", errField: "format"},
			{name: "the public log", method: "GET", path: "/log/checkpoint", status: 200},
			{name: "the log's key", method: "GET", path: "/log/key", status: 200},
			{name: "no tile beyond the log", method: "GET", path: "/log/tile/0/x001/000", status: 404},
			{name: "audit page", method: "GET", path: "/audit", status: 200, contains: []string{"allmende log verify", "verifier-key"}},
		})
		resp := f.do("ada", "GET", adaReceipt, "", "", nil)
		rec, err := ledger.ParseReceipt([]byte(readBody(t, resp)))
		if err != nil {
			t.Fatal(err)
		}
		v, err := note.NewVerifier(f.app.Log.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.Verify(v); err != nil {
			t.Fatalf("downloaded receipt does not verify: %v", err)
		}
		if !strings.Contains(rec.Entry, f.ids["ada"]) || strings.Contains(rec.Entry, "ada@example.org") {
			t.Fatalf("entry must carry the pseudonym and nothing personal: %s", rec.Entry)
		}
	})
}

// TestBrowserAuditPage signs in, opens the audit page, and fetches the
// receipt its link points to, as the member's browser would.
func TestBrowserAuditPage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	eventsOf(t, f, "ada")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/signin?next=/audit"),
		chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#signin-form"),
		chromedp.WaitVisible("#my-events"),
	)
	if err != nil {
		t.Fatal(err)
	}
	key, err := chromedp.Run(ctx, chromedp.Text("#verifier-key"))
	if err != nil || strings.TrimSpace(key) != f.app.Log.VerifierKey() {
		t.Fatalf("audit page key %q, want %q (%v)", key, f.app.Log.VerifierKey(), err)
	}
	size, _ := chromedp.Run(ctx, chromedp.Text("#log-size"))
	if size == "" || size == "0" {
		t.Fatalf("log size on the audit page: %q", size)
	}
	index, _ := chromedp.Run(ctx, chromedp.Text(".log-index"))
	if index == "" {
		t.Fatal("the member's event shows no log index")
	}
	format, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch(document.querySelector("a.receipt").href).then(r => r.json()).then(j => j.format)`, chromedp.EvalAwaitPromise))
	if err != nil || format != ledger.ReceiptFormat {
		t.Fatalf("receipt link gives format %q (%v)", format, err)
	}
	browsertest.Screenshot(t, ctx, "audit")
}
