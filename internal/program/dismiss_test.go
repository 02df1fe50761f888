package program

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// bannerPage is a page with a plan's button and a dialog over it with the
// buttons given.
func bannerPage(buttons ...string) (*page, int, map[string]int) {
	p := newPage(site)
	p.text("Choose the “Team” plan.")
	target := p.add(recording.Node{Tag: "button", Role: "button", Name: "Choose Team", Text: "Choose", Interactive: true})
	d := p.add(recording.Node{Tag: "div", Role: "dialog", Name: "Cookies", Attributes: map[string]string{"id": "cookies"}})
	box := p.add(recording.Node{Tag: "div", Text: "We use cookies to remember your choices. " + strings.Join(buttons, " "), Parent: d})
	p.add(recording.Node{Tag: "p", Text: "We use cookies to remember your choices.", Parent: box})
	refs := map[string]int{}
	for _, b := range buttons {
		refs[b] = p.add(recording.Node{Tag: "button", Role: "button", Name: b, Text: b, Interactive: true, Parent: box})
	}
	return p, target, refs
}

// A dialog no demo showed that covers the target is closed by its only
// refusing or closing button, else its only accepting one; a dialog whose
// buttons do not single one out, a cover that is not in a dialog, and
// buttons that do something else are left alone.
func TestDismissal(t *testing.T) {
	for _, c := range []struct {
		buttons []string
		cover   string
		want    string // the button clicked, "" for none
		err     string
	}{
		{[]string{"Accept all", "Reject all"}, `div#cookies "We use cookies to remember your choices."`, "Reject all", ""},
		{[]string{"Accept all", "Reject all"}, `div "We use cookies to remember your choices. Accept"`, "Reject all", ""},
		{[]string{"Accept all", "Reject all"}, `button#acc "Accept all"`, "Reject all", ""},
		{[]string{"Got it!"}, `div#cookies ""`, "Got it!", ""},
		{[]string{"Settings", "OK"}, `p "We use cookies"`, "OK", ""},
		{[]string{"No thanks", "Close"}, `div#cookies ""`, "", "2 buttons that refuse or close"},
		{[]string{"Accept", "Allow all"}, `div#cookies ""`, "", "2 buttons that accept"},
		{[]string{"Close account", "Reject claim"}, `div#cookies ""`, "", "no button that refuses"},
		{[]string{"Reject all"}, `div#other "Something else entirely"`, "", "not in an open dialog"},
		{[]string{"Reject all"}, `div`, "", "neither an id nor a text"},
	} {
		p, target, refs := bannerPage(c.buttons...)
		got, why, err := Dismissal(p.outline(0), target, c.cover)
		switch {
		case c.want != "" && (err != nil || got != refs[c.want]):
			t.Errorf("%q covered by %s: got node %d, %v; want %q (node %d)", c.buttons, c.cover, got, err, c.want, refs[c.want])
		case c.want != "" && !strings.Contains(why, c.want):
			t.Errorf("%q: the reason %q does not name the button", c.buttons, why)
		case c.want == "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q covered by %s: got node %d, error %v; want an error saying %q", c.buttons, c.cover, got, err, c.err)
		}
	}
	// The target inside the dialog: the dialog is not in its way.
	p, _, refs := bannerPage("Reject all", "Save")
	if _, _, err := Dismissal(p.outline(0), refs["Save"], `div#cookies ""`); err == nil {
		t.Error("a dialog that holds the target was closed")
	}
}

// A learned program says that it closes such dialogs, and its JSON keeps
// it.
func TestLearnedProgramDismisses(t *testing.T) {
	p, target, _ := bannerPage()
	prog := learn(t, newDemo(p).click(target))
	if !prog.Dismiss || !strings.Contains(prog.Describe(), "When a dialog the demos did not show covers a step's target") {
		t.Fatalf("the program does not say it closes covering dialogs:\n%s", prog.Describe())
	}
	b, err := prog.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil || !back.Dismiss {
		t.Fatalf("parsed back: dismiss %v, %v", back.Dismiss, err)
	}
}

// What covers a target is described by the page's own text: any
// description is read without a panic, and a button is only ever one of
// the dialog's.
func FuzzDismissal(f *testing.F) {
	for _, s := range []string{`div#cookies "We use cookies"`, `button#acc "Accept all"`, `div ""`, `#`, `div#"x" "\u0000"`, ``, `p "unterminated`, `div#cookies "` + strings.Repeat("é", 50) + `"`} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, cover string, target int) {
		p, _, refs := bannerPage("Accept all", "Reject all")
		o := p.outline(0)
		if target >= len(o.Nodes) {
			target = -1
		}
		got, _, err := Dismissal(o, target, cover)
		if err == nil && got != refs["Reject all"] {
			t.Fatalf("%q: clicked node %d, not the dialog's refusing button", cover, got)
		}
	})
}
