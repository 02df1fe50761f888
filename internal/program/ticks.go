package program

import (
	"slices"

	"github.com/allmende/allmende/internal/recording"
)

// A check box the demos left alone may still be one the task ticks on
// other data: "Sign in … and tick “Keep me signed in”" on some instances
// only. From demos that never ticked it nothing is learned about it, so
// the learner adds a fixed, cautious step for such boxes: after the form's
// fields, tick each box that the instruction (the text its inputs are read
// from) names in a quoted phrase after the word "tick"; an instruction
// that does not say "tick" names none. A quoted phrase that names no box
// ticks nothing.

// tickVerb is the word before the quoted names of boxes to tick.
const tickVerb = "tick"

// namedTicks adds that step to the program when, on the page where demo 1
// last typed or chose a value, there are check boxes (or switches) that
// are unticked and that no action of any demo touched, the program reads
// an input from an instruction (a text that begins with a known first
// word), and in no demo that instruction already named one of those boxes
// (the demo would have ticked it).
func (l *learner) namedTicks(all [][]action) {
	last := -1
	for i, a := range all[0] {
		if a.kind == ActType || a.kind == ActSelect {
			last = i
		}
	}
	at := -1
	for i, s := range l.prog.Steps {
		if s.Action == ActType || s.Action == ActSelect {
			at = i
		}
	}
	if last < 0 || at < 0 {
		return
	}
	touched := map[string]bool{}
	for _, as := range all {
		for _, a := range as {
			if t := a.target; t != nil {
				for _, s := range []string{t.Label, t.Name, t.Text} {
					touched[norm(s)] = true
				}
			}
		}
	}
	o := all[0][last].outline
	role, field := "", ""
	var boxes []string
	for _, n := range o.Nodes {
		if n.Role != "checkbox" && n.Role != "switch" || !n.Interactive || n.Disabled || n.Checked == nil || *n.Checked {
			continue
		}
		name, f := norm(n.Label), "label"
		if name == "" {
			name, f = norm(n.Name), "name"
		}
		if name == "" || touched[name] {
			continue
		}
		if role != "" && (n.Role != role || f != field) {
			return // boxes of two kinds: one query would not name them alike
		}
		role, field = n.Role, f
		boxes = append(boxes, name)
	}
	if len(boxes) == 0 {
		return
	}
	in := ""
	for _, x := range l.prog.Inputs {
		if x.Extract != nil && x.Extract.In != "" {
			in = x.Extract.In
			break
		}
	}
	if in == "" {
		return
	}
	rule := Extract{After: tickVerb, In: in, Quote: -1}
	for _, as := range all {
		ps := as[0].pages
		if !hasInstruction(ps, in) {
			return
		}
		for _, p := range ps {
			if v, err := rule.Eval(p); err == nil && slices.ContainsFunc(SplitList(v, "\n"), func(s string) bool { return slices.Contains(boxes, norm(s)) }) {
				return // the demo was asked to tick a box and did not
			}
		}
	}
	name := l.uniqueName("ticks")
	r := rule
	l.prog.Inputs = append(l.prog.Inputs, Input{Name: name, Label: "boxes to tick", Extract: &r, List: "\n", Empty: true})
	target := &Query{Role: role}
	if field == "label" {
		target.Label = &Value{Item: true}
	} else {
		target.Name = &Value{Item: true}
	}
	body := Step{Action: ActCheck, Target: target, Optional: true}
	body.Why = "Tick " + target.describe() + ", if it is there (no demo ticked one: a fixed rule, not learned)."
	loop := Step{Action: ActForEach, Over: &Value{Input: name}, Optional: true, Body: []Step{body}}
	loop.Why = "For each box the instruction names after \"" + tickVerb + "\" in quotes (none when it does not say \"" + tickVerb + "\"), if any (no demo ticked " + quoteAll(boxes) + ": a fixed rule, not learned)."
	l.prog.Steps = slices.Insert(l.prog.Steps, at+1, loop)
}

// hasInstruction reports whether a page holds a text that begins with the
// word in.
func hasInstruction(pages []recording.Outline, in string) bool {
	for _, p := range pages {
		for _, n := range p.Nodes {
			if !n.Interactive && firstWord(norm(n.Text)) == in {
				return true
			}
		}
	}
	return false
}
