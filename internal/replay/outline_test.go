package replay

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/extension"
	"github.com/allmende/allmende/internal/recording"
)

var extensionJS = extension.OutlineJS

// openPage opens url in a new page of the shared browser, in a fresh
// browser context, for the outline and node-action tests.
func openPage(t *testing.T, url string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(testBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return ctx
}

func capture(t *testing.T, ctx context.Context) recording.Outline {
	t.Helper()
	o, err := CaptureOutline(ctx)
	if err != nil {
		t.Fatalf("CaptureOutline: %v", err)
	}
	return o
}

// find returns the refs of the nodes for which match is true.
func find(o recording.Outline, match func(recording.Node) bool) []int {
	var refs []int
	for i, n := range o.Nodes {
		if match(n) {
			refs = append(refs, i)
		}
	}
	return refs
}

// one returns the ref of the only node for which match is true.
func one(t *testing.T, o recording.Outline, what string, match func(recording.Node) bool) int {
	t.Helper()
	refs := find(o, match)
	if len(refs) != 1 {
		t.Fatalf("%d nodes are %s, want 1; the outline:\n%s", len(refs), what, outlineText(o))
	}
	return refs[0]
}

func outlineText(o recording.Outline) string {
	var b strings.Builder
	for _, n := range o.Nodes {
		j, _ := json.Marshal(n)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func named(role, name string) func(recording.Node) bool {
	return func(n recording.Node) bool { return n.Role == role && n.Name == name }
}

// The outline of a page holds what a person sees and acts on, described in
// words the page keeps: tables with rows, columns and headers, lists with
// indexes, labelled fields, shadow roots and frames — and never a password,
// nor anything hidden.
func TestCaptureOutline(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/outline.html")
	o := capture(t, ctx)

	if o.Title != "Orders" || o.URL != s.URL+"/outline.html" || o.Capture == "" || o.Truncated {
		t.Errorf("title %q, url %q, capture %q, truncated %v", o.Title, o.URL, o.Capture, o.Truncated)
	}
	for i, n := range o.Nodes {
		if n.Ref != i {
			t.Fatalf("node %d has ref %d", i, n.Ref)
		}
		if n.Parent >= i || n.Parent < -1 {
			t.Errorf("node %d has parent %d: parents come before their children", i, n.Parent)
		}
		if n.Place != nil && n.Place.Container >= i {
			t.Errorf("node %d has container %d", i, n.Place.Container)
		}
	}

	t.Run("table", func(t *testing.T) {
		table := one(t, o, "the table", named("table", "Open orders"))
		ships := find(o, named("button", "Ship"))
		if len(ships) != 3 {
			t.Fatalf("%d Ship buttons, want 3:\n%s", len(ships), outlineText(o))
		}
		for row, ref := range ships {
			n := o.Nodes[ref]
			p := n.Place
			want := []string{"Grace Hopper", "Alan Turing", "Ada Lovelace"}[row]
			if p == nil || p.Container != table || p.Row != row || p.Column != 2 || p.ColumnHeader != "Action" || p.RowKey != want {
				t.Errorf("Ship button %d: place %+v, want row %d column 2 of table %d, row key %q", row, p, row, table, want)
			}
			if !n.Interactive || n.Heading != "Orders" || n.Landmark != "main" || ref <= table {
				t.Errorf("Ship button %d: %+v", row, n)
			}
			if parent := o.Nodes[n.Parent]; parent.Role != "cell" {
				t.Errorf("Ship button %d's parent is %+v, want its cell", row, parent)
			}
		}
		if !o.Nodes[ships[2]].Disabled {
			t.Error("the disabled Ship button is not marked disabled")
		}
		city := one(t, o, "the cell Wilmslow", func(n recording.Node) bool { return n.Role == "cell" && n.Text == "Wilmslow" })
		if p := o.Nodes[city].Place; p == nil || p.Row != 1 || p.Column != 1 || p.ColumnHeader != "City" || p.RowKey != "Alan Turing" {
			t.Errorf("cell Wilmslow: place %+v", p)
		}
		rows := find(o, func(n recording.Node) bool { return n.Role == "row" && n.Place != nil && n.Place.Row >= 0 })
		if len(rows) != 3 || o.Nodes[rows[1]].Place.Index != 1 || o.Nodes[rows[1]].Place.Of != 3 || !strings.Contains(o.Nodes[rows[1]].Text, "Alan Turing Wilmslow Ship") {
			t.Errorf("body rows %v: %+v", rows, o.Nodes[rows[min(1, len(rows)-1)]])
		}
	})
	t.Run("list", func(t *testing.T) {
		boxes := find(o, func(n recording.Node) bool { return n.Role == "checkbox" })
		if len(boxes) != 3 {
			t.Fatalf("%d check boxes, want 3", len(boxes))
		}
		for i, ref := range boxes {
			n := o.Nodes[ref]
			want := []string{"Apple", "Banana", "Cherry"}[i]
			if n.Label != want || n.Name != want || n.Checked == nil || *n.Checked || n.Heading != "Fruit" {
				t.Errorf("check box %d: %+v", i, n)
			}
			if n.Place == nil || n.Place.Index != i || n.Place.Of != 3 || n.Place.Row != -1 || o.Nodes[n.Place.Container].Role != "list" {
				t.Errorf("check box %d: place %+v", i, n.Place)
			}
		}
		items := find(o, func(n recording.Node) bool { return n.Role == "listitem" })
		if len(items) != 3 || o.Nodes[items[2]].Text != "Cherry" || o.Nodes[items[2]].Place.Index != 2 {
			t.Errorf("list items %v", items)
		}
	})
	t.Run("form", func(t *testing.T) {
		name := one(t, o, "the name field", func(n recording.Node) bool { return n.Label == "Full name" })
		n := o.Nodes[name]
		if n.Role != "textbox" || n.Value != "Prefilled" || n.Masked || n.Landmark != "form Delivery" || n.Heading != "Delivery" || n.Attributes["id"] != "name" {
			t.Errorf("name field: %+v", n)
		}
		pw := one(t, o, "the password field", func(n recording.Node) bool { return n.Label == "Password" })
		if p := o.Nodes[pw]; !p.Sensitive || !p.Masked || p.Value != "" || p.Attributes["type"] != "password" || len(p.Attributes) != 1 {
			t.Errorf("password field: %+v", p)
		}
		country := one(t, o, "the country list", func(n recording.Node) bool { return n.Tag == "select" })
		if c := o.Nodes[country]; c.Value != "fr" || c.Text != "France" || c.Label != "Country" {
			t.Errorf("country: %+v", c)
		}
		opts := find(o, func(n recording.Node) bool { return n.Role == "option" && n.Parent == country })
		if len(opts) != 2 || o.Nodes[opts[1]].Text != "France" || o.Nodes[opts[1]].Checked == nil || o.Nodes[opts[1]].Attributes["value"] != "fr" {
			t.Errorf("options of the list: %v", opts)
		}
		note := one(t, o, "the note", named("textbox", "Note"))
		if o.Nodes[note].Value != "old note" || o.Nodes[note].Text != "" {
			t.Errorf("note: %+v", o.Nodes[note])
		}
	})
	t.Run("text, landmarks, shadow root, frame, similar siblings", func(t *testing.T) {
		one(t, o, "the sign-in line", func(n recording.Node) bool { return n.Tag == "p" && n.Text == "Signed in as Ada. Username: ada_l" })
		long := one(t, o, "the long paragraph", func(n recording.Node) bool { return n.Attributes["id"] == "long" })
		if text := []rune(o.Nodes[long].Text); len(text) != recording.MaxNodeText || string(text[:3]) != "😀 w" {
			t.Errorf("a long text is cut to %d characters (%q…), want %d", len(text), string(text[:min(3, len(text))]), recording.MaxNodeText)
		}
		home := one(t, o, "the Home link", named("link", "Home"))
		if n := o.Nodes[home]; n.Landmark != "navigation Main" || n.Attributes["href"] != "#home" {
			t.Errorf("Home link: %+v", n)
		}
		pay := one(t, o, "the shadow button", named("button", "Pay now"))
		if !o.Nodes[pay].Shadow || o.Nodes[pay].Frame != nil {
			t.Errorf("Pay now: %+v", o.Nodes[pay])
		}
		amount := one(t, o, "the shadow field", func(n recording.Node) bool { return n.Label == "Amount" })
		if !o.Nodes[amount].Shadow {
			t.Errorf("Amount: %+v", o.Nodes[amount])
		}
		apply := one(t, o, "the frame's button", named("button", "Apply coupon"))
		if !reflect.DeepEqual(o.Nodes[apply].Frame, []int{0}) || o.Nodes[apply].Shadow {
			t.Errorf("Apply coupon: %+v", o.Nodes[apply])
		}
		one(t, o, "the frame's field", func(n recording.Node) bool { return n.Label == "Coupon code" && slices.Equal(n.Frame, []int{0}) })
		choose := find(o, named("button", "Choose"))
		if len(choose) != 2 {
			t.Fatalf("%d Choose buttons", len(choose))
		}
		for i, ref := range choose {
			p := o.Nodes[ref].Place
			if p == nil || p.Index != i || p.Of != 2 || p.Container < 0 || p.Container != o.Nodes[choose[0]].Place.Container {
				t.Errorf("Choose %d: place %+v", i, p)
			}
		}
	})
	t.Run("never in an outline", func(t *testing.T) {
		data, _ := json.Marshal(o)
		for _, hidden := range []string{"hunter2", "Hidden button", "Invisible text", "Screen reader only", "Late offer"} {
			if strings.Contains(string(data), hidden) {
				t.Errorf("the outline holds %q", hidden)
			}
		}
	})
}

// Actions on nodes use real input on the element the node stands for — in
// a table row found by its key, in a shadow root, in a frame — and refuse
// an element that is covered, disabled, changed or gone rather than act on
// another one.
func TestNodeActions(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/outline.html")
	o := capture(t, ctx)
	ref := func(match func(recording.Node) bool) int { return one(t, o, "the target", match) }

	alan := ref(func(n recording.Node) bool {
		return n.Role == "button" && n.Place != nil && n.Place.RowKey == "Alan Turing"
	})
	if err := ClickNode(ctx, o, alan); err != nil {
		t.Fatalf("click Ship for Alan Turing: %v", err)
	}
	steps := []struct {
		what string
		do   func() error
	}{
		{"type the name", func() error {
			return TypeNode(ctx, o, ref(func(n recording.Node) bool { return n.Label == "Full name" }), "Grace O'Neil ✓")
		}},
		{"choose Germany", func() error {
			return SelectNode(ctx, o, ref(func(n recording.Node) bool { return n.Tag == "select" }), "Germany")
		}},
		{"type a note", func() error { return TypeNode(ctx, o, ref(named("textbox", "Note")), "ring twice") }},
		{"tick Banana", func() error {
			return CheckNode(ctx, o, ref(func(n recording.Node) bool { return n.Label == "Banana" }), true)
		}},
		{"tick Cherry", func() error {
			return ClickNode(ctx, o, ref(func(n recording.Node) bool { return n.Label == "Cherry" }))
		}},
		{"save", func() error { return ClickNode(ctx, o, ref(named("button", "Save"))) }},
		{"type the amount", func() error {
			return TypeNode(ctx, o, ref(func(n recording.Node) bool { return n.Label == "Amount" }), "12.50")
		}},
		{"pay", func() error { return ClickNode(ctx, o, ref(named("button", "Pay now"))) }},
		{"choose plan M", func() error { return ClickNode(ctx, o, find(o, named("button", "Choose"))[1]) }},
		{"type the coupon", func() error {
			return TypeNode(ctx, o, ref(func(n recording.Node) bool { return n.Label == "Coupon code" }), "X-42")
		}},
		{"apply it", func() error { return ClickNode(ctx, o, ref(named("button", "Apply coupon"))) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
	}
	want := `{"shipped":["Alan Turing"],"saved":{"name":"Grace O'Neil ✓","country":"de","note":"ring twice","fruit":["banana","cherry"]},"paid":"12.50","chose":["Plan M"],"under":0,"renamed":0}`
	s.checkReport(t, "outline", want, nil)
	s.checkReport(t, "outline-inner", `{"code":"X-42"}`, nil)

	refusals := []struct {
		name string
		do   func() error
		want string
	}{
		{"covered", func() error { return ClickNode(ctx, o, ref(named("button", "Under"))) }, "covered by div"},
		{"disabled", func() error {
			return ClickNode(ctx, o, ref(func(n recording.Node) bool {
				return n.Role == "button" && n.Place != nil && n.Place.RowKey == "Ada Lovelace"
			}))
		}, "disabled"},
		{"no such node", func() error { return ClickNode(ctx, o, len(o.Nodes)) }, "no node"},
		{"not captured", func() error { return ClickNode(ctx, recording.Outline{Nodes: o.Nodes}, 0) }, "not captured"},
		{"not a list", func() error { return SelectNode(ctx, o, ref(named("button", "Save")), "x") }, "not a list"},
	}
	for _, c := range refusals {
		if err := c.do(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}

	// A row re-used for another customer: its cell no longer says what
	// the outline said.
	grace := ref(func(n recording.Node) bool { return n.Role == "cell" && n.Text == "Grace Hopper" })
	if err := ClickNode(ctx, o, ref(named("button", "Rename"))); err != nil {
		t.Fatal(err)
	}
	if err := ClickNode(ctx, o, grace); err == nil || !strings.Contains(err.Error(), "Edsger Dijkstra") {
		t.Errorf("click on a changed cell: %v", err)
	}

	// Content that comes late is in the next capture, and can be acted on.
	late := func(o recording.Outline) []int { return find(o, named("button", "Late offer")) }
	deadline := time.Now().Add(5 * time.Second)
	o2 := capture(t, ctx)
	for len(late(o2)) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		o2 = capture(t, ctx)
	}
	if len(late(o2)) != 1 {
		t.Fatal("the late button never appeared in an outline")
	}
	if err := ClickNode(ctx, o2, late(o2)[0]); err != nil {
		t.Fatalf("click the late button: %v", err)
	}
	got := s.report("outline")
	if got["late"] != true || got["under"] != 0.0 || len(got["shipped"].([]any)) != 1 {
		t.Errorf("report after the refusals: %v", got)
	}

	// After a navigation the old outline's nodes are gone.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/outline.html")); err != nil {
		t.Fatal(err)
	}
	if err := ClickNode(ctx, o2, late(o2)[0]); err == nil || !strings.Contains(err.Error(), "capture it again") {
		t.Errorf("click after a navigation: %v", err)
	}
	if err := PressKey(ctx, "NoSuchKey"); err == nil {
		t.Error("PressKey accepted an unknown key")
	}
}

// A page with more than recording.MaxNodes nodes gives a cut outline that
// keeps what a person acts on, and the script's limits are the Go
// package's.
func TestOutlineLimits(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/big.html")
	start := time.Now()
	o := capture(t, ctx)
	t.Logf("captured %d nodes of a page with 1500 rows in %v", len(o.Nodes), time.Since(start))
	if len(o.Nodes) != recording.MaxNodes || !o.Truncated {
		t.Errorf("%d nodes, truncated %v; want %d, truncated", len(o.Nodes), o.Truncated, recording.MaxNodes)
	}
	buttons := find(o, func(n recording.Node) bool { return n.Role == "button" })
	if len(buttons) != 1500 {
		t.Errorf("%d buttons kept, want all 1500", len(buttons))
	}
	if p := o.Nodes[buttons[1499]].Place; p == nil || p.Index != 1499 || p.Of != 1500 || p.Row != 1499 || p.RowKey != "Item 1499" {
		t.Errorf("the last button's place: %+v", p)
	}
	for _, n := range o.Nodes {
		if n.Parent >= n.Ref || (n.Place != nil && n.Place.Container >= n.Ref) {
			t.Fatalf("node %d refers forward: %+v", n.Ref, n)
		}
	}
	limits, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](extensionJS+";globalThis.__allmendeOutline.limits"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"MAX_NODES": recording.MaxNodes, "MAX_TEXT": recording.MaxNodeText, "MAX_ATTRIBUTES": recording.MaxAttributes}
	if !reflect.DeepEqual(limits, want) {
		t.Errorf("outline.js limits %v, recording's %v", limits, want)
	}
}

// A click on a node lands on its words first: a tree item as wide as the
// page that opens only when its label is clicked opens.
func TestClickNodeLandsOnTheWords(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/tree.html")
	o := capture(t, ctx)
	if err := ClickNode(ctx, o, one(t, o, "the folder", named("treeitem", "📁 2024"))); err != nil {
		t.Fatal(err)
	}
	open, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[role=treeitem]").getAttribute("aria-expanded")`))
	if err != nil || open != "true" {
		t.Fatalf("the folder is not open (aria-expanded %q, %v)", open, err)
	}
}

// A capture is unchanged until the page changes in a way an outline could
// show: a mutation, typing, a navigation. One that read a shadow root
// never is.
func TestUnchanged(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/tree.html")
	unchanged := func(o recording.Outline) bool {
		t.Helper()
		same, err := Unchanged(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		return same
	}
	o := capture(t, ctx)
	if !unchanged(o) {
		t.Fatal("a page nobody touched changed")
	}
	if unchanged(recording.Outline{Nodes: o.Nodes}) {
		t.Error("an outline that was not captured is unchanged")
	}
	// The page's own script changes it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.title = "Files"`)); err != nil {
		t.Fatal(err)
	}
	if unchanged(o) {
		t.Error("a mutation went unnoticed")
	}
	o = capture(t, ctx)
	if !unchanged(o) {
		t.Fatal("a fresh capture is not unchanged")
	}
	// Typing changes a value, which no mutation shows.
	if err := TypeNode(ctx, o, one(t, o, "the note", func(n recording.Node) bool { return n.Label == "Note" }), "hello"); err != nil {
		t.Fatal(err)
	}
	if unchanged(o) {
		t.Error("typing went unnoticed")
	}
	o = capture(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/tree.html")); err != nil {
		t.Fatal(err)
	}
	if unchanged(o) {
		t.Error("a navigation went unnoticed")
	}
	shadow := openPage(t, s.URL+"/shadow.html")
	so := capture(t, shadow)
	if same, err := Unchanged(shadow, so); err != nil || same {
		t.Errorf("a capture that read a shadow root is unchanged: %v, %v", same, err)
	}
}

// A banner that comes over the element between the hit test and the press
// does not get the click: the press is stopped before the page sees it,
// and the click fails saying what covered the element.
func TestClickNodeStopsAPressThatLandsElsewhere(t *testing.T) {
	s := newSite(t)
	ctx := openPage(t, s.URL+"/banner-race.html")
	o := capture(t, ctx)
	err := ClickNode(ctx, o, one(t, o, "the button", named("button", "Choose Team")))
	if err == nil || !strings.Contains(err.Error(), `covered by button#accept "Accept all"`) {
		t.Fatalf("error %v, want one saying the banner's button covered it", err)
	}
	clicks, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`window.clicks`))
	if err != nil {
		t.Fatal(err)
	}
	if clicks["choose"] != 0 || clicks["accept"] != 0 || clicks["banner"] != 0 {
		t.Errorf("the page saw clicks %v, want none", clicks)
	}
	// The guard is gone: the page's own clicks go through.
	o = capture(t, ctx)
	if err := ClickNode(ctx, o, one(t, o, "the banner's button", named("button", "Accept all"))); err != nil {
		t.Fatal(err)
	}
	if clicks, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`window.clicks`)); err != nil || clicks["accept"] != 1 {
		t.Errorf("after clicking Accept all, clicks %v (%v), want accept 1", clicks, err)
	}
}
