package program

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/allmende/allmende/internal/recording"
)

// action is one step of a demo, in the program's terms.
type action struct {
	demo, step int // demo from 0; the recording's step index
	kind       string
	target     *recording.Node
	// outline is the page as it was when the step ran (the latest outline
	// captured before it); pages are all outlines up to it, latest first.
	outline recording.Outline
	pages   []recording.Outline
	value   string
	param   string // the recording parameter the value came from
	masked  bool
	key     string
	url     string
	late    bool
	// repeat counts the same click done several times in a row (a
	// calendar's "Next month" until the month shows).
	repeat int
	// scrolled says the demo scrolled before the step.
	scrolled bool
	// boxClick: a click on a box (check, uncheck), not a change step.
	boxClick bool
}

var wholePlaceholder = regexp.MustCompile(`^\{\{([a-z][a-z0-9_]{0,39})\}\}$`)

// actions turns demo d into the actions a program is made of, and returns
// the URL it started at.
func actions(d int, rec recording.Recording) ([]action, string, error) {
	ext := rec.Allmende
	if ext == nil || len(ext.Outlines) == 0 {
		return nil, "", &DemoError{d + 1, -1, "it has no page outlines (record it with the Allmende extension or allmende record)"}
	}
	targets := map[int]*recording.Node{}
	for i := range ext.Targets {
		targets[ext.Targets[i].Step] = &ext.Targets[i].Node
	}
	defaults := map[string]string{}
	for _, p := range ext.Parameters {
		defaults[p.Name] = p.Default
	}
	outlines := slices.Clone(ext.Outlines)
	slices.SortStableFunc(outlines, func(a, b recording.Outline) int { return a.Before - b.Before })
	pagesAt := func(step int) []recording.Outline {
		var ps []recording.Outline
		for _, o := range outlines {
			if o.Before <= step {
				ps = append([]recording.Outline{o}, ps...)
			}
		}
		return ps
	}
	var out []action
	start := ""
	late, scrolled := false, false
	for i, s := range rec.Steps {
		a := action{demo: d, step: i, late: late, scrolled: scrolled}
		late = false
		if s.Type == recording.StepScroll {
			scrolled = true
			continue
		}
		scrolled = false
		switch s.Type {
		case recording.StepNavigate:
			if start == "" && len(out) == 0 {
				start = s.URL
				continue
			}
			a.kind, a.url = ActNavigate, s.URL
		case recording.StepClick, recording.StepDoubleClick, recording.StepHover:
			a.kind = map[string]string{recording.StepClick: ActClick, recording.StepDoubleClick: ActDoubleClick, recording.StepHover: ActHover}[s.Type]
		case recording.StepChange:
			a.kind = ActType
			a.value = s.Value
			if m := wholePlaceholder.FindStringSubmatch(s.Value); m != nil {
				a.param, a.value = m[1], defaults[m[1]]
			}
			a.masked = slices.Contains(ext.Masked, i) && a.param == ""
		case recording.StepKeyDown:
			a.kind, a.key = ActPress, s.Key
		case recording.StepWaitForElement, recording.StepWaitForExpression:
			late = true
			continue
		default:
			// keyUp, scroll, setViewport and the like: the executor's
			// node actions scroll and release keys themselves.
			continue
		}
		if a.kind != ActNavigate && a.kind != ActPress {
			t, ok := targets[i]
			if !ok {
				return nil, "", &DemoError{d + 1, i, fmt.Sprintf("the %s step has no target description (record it with the Allmende extension)", s.Type)}
			}
			a.target = t
			if t.Ref < 0 {
				a.late = true
			}
			switch {
			case a.kind == ActType && t.Tag == "select":
				a.kind = ActSelect
			case a.kind == ActType && (t.Role == "checkbox" || t.Role == "radio" || t.Role == "switch"):
				a.kind = ActCheck
				if a.value == "" || a.value == "false" || a.value == "off" {
					a.kind = ActUncheck
				}
			case a.kind == ActClick && (t.Role == "checkbox" || t.Role == "radio" || t.Role == "switch"):
				// The target is described as it was when clicked: a
				// click on a ticked box unticks it.
				a.kind, a.boxClick = ActCheck, true
				if t.Checked != nil && *t.Checked {
					a.kind = ActUncheck
				}
			}
		}
		a.pages = pagesAt(i)
		if len(a.pages) > 0 {
			a.outline = a.pages[0]
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, "", &DemoError{d + 1, -1, "it does nothing on the page"}
	}
	boxStates(out)
	return collapse(typedInPlace(out)), start, nil
}

// boxStates decides, for a click on a check box, radio button or switch,
// whether it ticked or unticked it from the box's state in the page's
// outline before the click, where the outline shows it: a recorder that
// describes the target in the click event sees a native box already
// toggled (the browser changes it before the event), an ARIA switch not
// yet. Later clicks on the same box since that outline flip the state.
func boxStates(as []action) {
	for i := range as {
		a := &as[i]
		if !a.boxClick || len(a.pages) == 0 {
			continue
		}
		o := a.outline
		found := -1
		for j := range o.Nodes {
			if n := &o.Nodes[j]; n.Checked != nil && sameNode(n, a.target) {
				if found >= 0 {
					found = -2
					break
				}
				found = j
			}
		}
		if found < 0 {
			continue
		}
		ticked := *o.Nodes[found].Checked
		for _, b := range as[:i] {
			if b.step >= o.Before && b.boxClick && sameNode(b.target, a.target) {
				ticked = !ticked
			}
		}
		if a.target.Role == "radio" || !ticked {
			a.kind = ActCheck
		} else {
			a.kind = ActUncheck
		}
	}
}

// sig is what must be the same for two actions of different demos to be
// the same step.
func (a action) sig() string {
	s := a.kind + "|" + a.key
	if a.target != nil {
		s += "|" + a.target.Role + "|" + a.target.Tag
	}
	return s
}

// sameTask reports whether two start URLs are the same page of the same
// site (the query, the fragment and numbers in the path may differ: they
// carry data).
func sameTask(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ua.Hostname() == ub.Hostname() && digits.ReplaceAllString(ua.Path, "0") == digits.ReplaceAllString(ub.Path, "0")
}

// digits are numbers in a path, which name an instance rather than a page
// ("/orders/1234/", "/task/7/").
var digits = regexp.MustCompile(`[0-9]+`)

// collapse merges runs of the same click on the same element into one
// action that counts them.
func collapse(as []action) []action {
	var out []action
	for _, a := range as {
		a.repeat = 1
		// A click into a text field just before typing into it only
		// put the cursor there, which typing does itself: one step
		// fewer to find and do. (A combo box's click may open its
		// list, and stays.)
		if n := len(out); n > 0 && a.kind == ActType && a.target != nil && a.target.Role != "combobox" && isField(a.target) {
			if last := out[n-1]; last.kind == ActClick && last.repeat == 1 && last.target != nil && sameNode(last.target, a.target) {
				a.late = a.late || last.late
				a.scrolled = a.scrolled || last.scrolled
				out[n-1] = a
				continue
			}
		}
		// A field changed twice in a row ends with the second value.
		if n := len(out); n > 0 && (a.kind == ActType || a.kind == ActSelect) && out[n-1].kind == a.kind && a.target != nil && out[n-1].target != nil && sameNode(out[n-1].target, a.target) {
			out[n-1] = a
			continue
		}
		if n := len(out); n > 0 && a.kind == ActClick && a.target != nil && !isField(a.target) {
			last := &out[n-1]
			if last.sig() == a.sig() && what(last.target) == what(a.target) && sameList(last.target, a.target) {
				last.repeat++
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// typedInPlace moves what was typed into a field back to where the field
// was clicked: a recorder writes a change step when the field's change
// event fires, which may be after later clicks (a field in a shadow root
// reports it late), but the typing happened before them.
func typedInPlace(as []action) []action {
	for i := 0; i < len(as); i++ {
		a := as[i]
		if a.kind != ActType && a.kind != ActSelect || a.target == nil {
			continue
		}
		// The last click on this field before the change step.
		at := -1
		for j := i - 1; j >= 0; j-- {
			b := as[j]
			if b.kind == ActClick && b.target != nil && sameNode(b.target, a.target) {
				at = j
				break
			}
			if (b.kind == ActType || b.kind == ActSelect) && b.target != nil && sameNode(b.target, a.target) {
				break
			}
		}
		if at < 0 || at == i-1 {
			continue
		}
		moved := append([]action(nil), as[:at+1]...)
		moved = append(moved, a)
		moved = append(moved, as[at+1:i]...)
		as = append(moved, as[i+1:]...)
	}
	return as
}

// sameNode reports whether two targets describe the same element.
func sameNode(a, b *recording.Node) bool {
	return a.Role == b.Role && a.Tag == b.Tag && a.Name == b.Name && a.Label == b.Label && slices.Equal(a.Frame, b.Frame) && a.Shadow == b.Shadow
}

// sameList reports whether two targets may be the same element by their
// place: not when they stand in lists of different sizes or in different
// containers (the hour "10" and then the minute "10" of a time picker).
func sameList(a, b *recording.Node) bool {
	if a.Place == nil || b.Place == nil {
		return a.Place == b.Place
	}
	return a.Place.Of == b.Place.Of && (a.Place.Container < 0 || b.Place.Container < 0 || a.Place.Container == b.Place.Container)
}
