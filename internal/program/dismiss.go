package program

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/recording"
)

// A dialog or banner the demos never showed (a cookie banner that comes on
// some visits only) can cover a step's target at run time. Nothing in the
// demos says how to close it, so a program with Dismiss set closes it by a
// fixed, cautious rule instead of failing: the covering element must be
// inside exactly one open dialog that does not hold the target, and that
// dialog must have exactly one button that refuses or closes ("Reject
// all", "Close", "No thanks") — refusing comes first, as a run does not
// consent for the member — or, with none of those, exactly one that
// accepts ("OK", "Got it", "Accept"). Anything else is left alone and the
// step fails saying why.

// declineWords and acceptWords begin (or are) the names of buttons that
// close a dialog by refusing and by accepting.
var (
	declineWords = []string{"reject", "decline", "deny", "refuse", "dismiss", "close", "no thanks", "no, thanks", "not now", "necessary only", "only necessary", "essential only", "only essential", "×", "✕", "✖"}
	acceptWords  = []string{"accept", "allow", "agree", "i agree", "ok", "okay", "got it", "i understand", "understood"}
)

// Dismissal returns the button to click, on the page o, to close the
// dialog that covers node target; cover is what covers it, as the
// executor's click reports it (`div#cookies "We use cookies…"`: the
// element's tag, #id, and the beginning of its text as JSON).
func Dismissal(o recording.Outline, target int, cover string) (int, string, error) {
	id, text := parseCover(cover)
	if id == "" && text == "" {
		return -1, "", fmt.Errorf("what covers it (%s) names neither an id nor a text to find it by", cover)
	}
	var found []int
	for d, n := range o.Nodes {
		if n.Role != "dialog" && n.Role != "alertdialog" && n.Tag != "dialog" {
			continue
		}
		if target >= 0 && within(o, target, d) {
			continue
		}
		if coversFrom(o, d, id, text) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return -1, "", fmt.Errorf("it is covered by %s, which is not in an open dialog", cover)
	case 1:
	default:
		return -1, "", fmt.Errorf("it is covered by %s, and %d dialogs could be what covers it", cover, len(found))
	}
	d := found[0]
	var declines, accepts []int
	for j, n := range o.Nodes {
		if j == d || !n.Interactive || n.Disabled || n.Role != "button" || !within(o, j, d) {
			continue
		}
		name := strings.ToLower(norm(n.Name))
		if name == "" {
			name = strings.ToLower(norm(n.Text))
		}
		switch {
		case begins(name, declineWords):
			declines = append(declines, j)
		case begins(name, acceptWords):
			accepts = append(accepts, j)
		}
	}
	what := describeDialog(o.Nodes[d])
	switch {
	case len(declines) == 1:
		return declines[0], fmt.Sprintf("closed %s with its only refusing or closing button %q", what, norm(o.Nodes[declines[0]].Name)), nil
	case len(declines) == 0 && len(accepts) == 1:
		return accepts[0], fmt.Sprintf("closed %s with its only button %q (none refuses or closes)", what, norm(o.Nodes[accepts[0]].Name)), nil
	case len(declines) > 1:
		return -1, "", fmt.Errorf("it is covered by %s, which has %d buttons that refuse or close; the program does not say which, so none was clicked", what, len(declines))
	case len(accepts) > 1:
		return -1, "", fmt.Errorf("it is covered by %s, which has %d buttons that accept; the program does not say which, so none was clicked", what, len(accepts))
	}
	return -1, "", fmt.Errorf("it is covered by %s, which has no button that refuses, closes or accepts", what)
}

// parseCover reads the #id and the text out of a covering element's
// description.
func parseCover(cover string) (id, text string) {
	head, rest, _ := strings.Cut(cover, " ")
	if _, after, ok := strings.Cut(head, "#"); ok {
		id = after
	}
	var s string
	if json.Unmarshal([]byte(strings.TrimSpace(rest)), &s) == nil {
		text = norm(s)
	}
	return id, text
}

// coversFrom reports whether the element described by id and text is the
// dialog d or inside it: an element of d has that id, or the beginning of
// text is the text of d or of an element inside it.
func coversFrom(o recording.Outline, d int, id, text string) bool {
	// The description's text is cut at 40 characters, perhaps inside a
	// word, and white space may be collapsed differently.
	probe := text
	if r := []rune(probe); len(r) > 30 {
		probe = string(r[:30])
	}
	var all strings.Builder
	for j, n := range o.Nodes {
		if !within(o, j, d) {
			continue
		}
		if id != "" && n.Attributes["id"] == id {
			return true
		}
		if t := norm(n.Text); t != "" {
			if probe != "" && strings.HasPrefix(t, probe) {
				return true
			}
			all.WriteString(t)
			all.WriteByte(' ')
		}
	}
	return probe != "" && strings.HasPrefix(all.String(), probe)
}

// begins reports whether name is one of words, perhaps followed by
// words that only say what is refused or accepted ("Reject all", "Accept
// all cookies", "Got it!"): "Close account" or "Reject claim" is not.
func begins(name string, words []string) bool {
	name = strings.TrimRight(name, ".!")
	for _, w := range words {
		rest, ok := strings.CutPrefix(name, w)
		if !ok {
			continue
		}
		switch strings.TrimSpace(strings.TrimLeft(rest, ",")) {
		case "", "all", "cookies", "all cookies", "optional cookies", "non-essential cookies", "for now", "thanks", "thank you":
			return true
		}
	}
	return false
}

func describeDialog(n recording.Node) string {
	if name := norm(n.Name); name != "" {
		return fmt.Sprintf("the dialog %q", name)
	}
	return "a dialog"
}
