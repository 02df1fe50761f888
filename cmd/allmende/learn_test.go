package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
)

// orderPage is a practice page: "Order: X" and a field to copy it into,
// with a Find button; layout=swapped puts a distractor first and the field
// after the button, layout=none drops the button.
func orderPage(w http.ResponseWriter, r *http.Request) {
	order, layout := html.EscapeString(r.URL.Query().Get("order")), r.URL.Query().Get("layout")
	field := `<label for=o>Order number</label><input id=o>`
	button := `<button onclick="window.result=document.getElementById('o').value">Find</button>`
	body := field + button
	switch layout {
	case "swapped":
		body = `<button>Help</button><p>Other text</p>` + button + field
	case "none":
		body = field
	}
	fmt.Fprint(w, `<!doctype html><meta charset=utf-8><title>Orders</title><main><p>Order: `+order+`</p>`+body+`</main>`)
}

// writeDemo records a demonstration the way the recorder describes one:
// the page's outline, and each step's target by its node.
func writeDemo(t *testing.T, browser context.Context, url, order string) string {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	o, err := replay.CaptureOutline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	node := func(match func(recording.Node) bool) recording.Node {
		for _, n := range o.Nodes {
			if match(n) {
				return n
			}
		}
		t.Fatalf("no such node in %+v", o.Nodes)
		return recording.Node{}
	}
	rec := recording.Recording{
		Title: "find an order",
		Steps: []recording.Step{
			{Type: recording.StepNavigate, URL: url},
			{Type: recording.StepChange, Value: order, Selectors: []recording.Selector{{"#o"}}},
			{Type: recording.StepClick, Selectors: []recording.Selector{{"aria/Find"}}, OffsetX: 2, OffsetY: 2},
		},
		Allmende: &recording.Extension{Version: 1, Outlines: []recording.Outline{o}, Targets: []recording.Target{
			{Step: 1, Node: node(func(n recording.Node) bool { return n.Label == "Order number" })},
			{Step: 2, Node: node(func(n recording.Node) bool { return n.Role == "button" && n.Name == "Find" })},
		}},
	}
	data, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo-"+order+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// allmende learn writes a program learned from demo files and prints it in
// words; allmende act runs it on a fresh instance with another layout and
// reports the page's result, and exits 1 naming the step that cannot find
// its target. One demo that leaves a step undecided exits 3.
func TestLearnAndActCommands(t *testing.T) {
	browser := browsertest.New(t)
	srv := httptest.NewServer(http.HandlerFunc(orderPage))
	defer srv.Close()
	d1 := writeDemo(t, browser, srv.URL+"/?order=A-17", "A-17")
	d2 := writeDemo(t, browser, srv.URL+"/?order=B-204", "B-204")
	prog := filepath.Join(t.TempDir(), "program.json")

	code, out, stderr := runMain(t, "learn", d1, d2, "--out", prog)
	if code != 0 || !strings.Contains(out, `read from the page: the text after "Order:"`) || !strings.Contains(out, `Click the button named "Find"`) {
		t.Fatalf("learn: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = runMain(t, "act", prog, "--url", srv.URL+"/?layout=swapped&order=Z-"+url("€ 9 “x”"), "--report", "window.result", "--done-when", "window.result !== undefined")
	if code != 0 || !strings.Contains(out, `report: "Z-€ 9 “x”"`) || !strings.Contains(out, "ok: 2 steps done") {
		t.Fatalf("act: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = runMain(t, "act", prog, "--url", srv.URL+"/?layout=none&order=C-1", "--step-timeout", "3s", "--json")
	if code != 1 || !strings.Contains(stderr, `step 2: nothing on the page is the button named "Find"`) || !strings.Contains(out, `"failed": "2"`) {
		t.Errorf("a missing button: exit %d\n%s\n%s", code, out, stderr)
	}
	code, _, stderr = runMain(t, "act", prog, "--param", "who=x")
	if code != 1 || !strings.Contains(stderr, `no parameter "who"`) {
		t.Errorf("an unknown parameter: exit %d %s", code, stderr)
	}

	// Two shipping fields with the same address: one demo cannot say
	// which one the value is copied from.
	amb := filepath.Join(t.TempDir(), "amb.json")
	writeAmbiguous(t, amb)
	code, _, stderr = runMain(t, "learn", amb, "--out", filepath.Join(t.TempDir(), "p.json"))
	if code != 3 || !strings.Contains(stderr, "ambiguous: step 1") {
		t.Errorf("ambiguous: exit %d %s", code, stderr)
	}
	code, _, stderr = runMain(t, "learn")
	if code != 2 {
		t.Errorf("no demos: exit %d %s", code, stderr)
	}
}

func url(s string) string { return strings.NewReplacer(" ", "%20", "&", "%26").Replace(s) }

func writeAmbiguous(t *testing.T, path string) {
	t.Helper()
	text := func(ref int, s string) recording.Node { return recording.Node{Ref: ref, Parent: -1, Tag: "p", Text: s} }
	field := recording.Node{Ref: 2, Parent: -1, Tag: "input", Role: "textbox", Name: "Address", Label: "Address", Interactive: true}
	rec := recording.Recording{
		Steps: []recording.Step{
			{Type: recording.StepNavigate, URL: "http://127.0.0.1:1/ship"},
			{Type: recording.StepChange, Value: "1 Quay St", Selectors: []recording.Selector{{"#a"}}},
		},
		Allmende: &recording.Extension{Version: 1,
			Outlines: []recording.Outline{{URL: "http://127.0.0.1:1/ship", Nodes: []recording.Node{text(0, "Ship to: 1 Quay St"), text(1, "Bill to: 1 Quay St"), field}}},
			Targets:  []recording.Target{{Step: 1, Node: field}},
		},
	}
	data, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
