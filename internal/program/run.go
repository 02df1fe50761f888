package program

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/allmende/allmende/internal/recording"
)

// What an executor needs, kept here so that it stays pure and testable:
// binding parameters, reading inputs from pages, a loop's items.

// Bind starts a run's environment from its parameters: every parameter
// input must have a value, and every value must name one.
func (p Program) Bind(params map[string]string) (Env, error) {
	env := Env{Inputs: map[string]string{}}
	known := map[string]bool{}
	var missing []string
	for _, in := range p.Inputs {
		if in.Param == "" {
			continue
		}
		known[in.Param] = true
		v, ok := params[in.Param]
		if !ok {
			missing = append(missing, in.Param)
			continue
		}
		env.Inputs[in.Name] = v
	}
	for name := range params {
		if !known[name] {
			return Env{}, fmt.Errorf("the program has no parameter %q", name)
		}
	}
	if len(missing) > 0 {
		return Env{}, fmt.Errorf("the program needs the parameter%s %s (--param name=value)", plural(len(missing)), quoteAll(missing))
	}
	return env, nil
}

// Needs lists the inputs a step refers to (not those of a loop's body).
func (s Step) Needs() []string {
	var out []string
	add := func(v *Value) {
		if v != nil && v.Input != "" && !slices.Contains(out, v.Input) {
			out = append(out, v.Input)
		}
	}
	add(s.Value)
	add(s.Over)
	for _, q := range []*Query{s.Target, s.Each, s.Until, s.Opposite} {
		if q != nil {
			add(q.Name)
			add(q.Text)
			add(q.Label)
			add(q.AttrValue)
			add(q.Row)
			if q.Where != nil {
				add(q.Where.Value)
			}
		}
	}
	return out
}

// Input returns the input named name.
func (p Program) Input(name string) (Input, bool) {
	for _, in := range p.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// Fill reads, from the pages of the run so far (latest first), the inputs
// step needs that env does not hold yet. An input is read once, where it
// is first needed, and keeps its value.
func (p Program) Fill(env *Env, s Step, pages []recording.Outline) error {
	return p.fill(env, s.Needs(), pages, 0)
}

func (p Program) fill(env *Env, names []string, pages []recording.Outline, depth int) error {
	for _, name := range names {
		if _, ok := env.Inputs[name]; ok {
			continue
		}
		in, ok := p.Input(name)
		if !ok || in.Extract == nil {
			return fmt.Errorf("the input %q has no value", name)
		}
		if k := in.Extract.KeyInput; k != "" {
			if depth > len(p.Inputs) {
				return fmt.Errorf("the input %q looks itself up", name)
			}
			if err := p.fill(env, []string{k}, pages, depth+1); err != nil {
				return err
			}
		}
		var firstErr error
		for _, o := range pages {
			v, err := in.Extract.evalPreferring(o, env.Inputs, in.preferences(p.Demos)...)
			if err == nil {
				env.Inputs[name] = v
				firstErr = nil
				break
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil && in.Empty && in.Extract.In != "" && hasInstruction(pages, in.Extract.In) && !several(firstErr) {
			// The instruction is there and does not say it.
			env.Inputs[name], firstErr = "", nil
		}
		if firstErr != nil {
			return fmt.Errorf("reading the input %s (%s): %w", name, in.Extract.describe(), firstErr)
		}
		if _, ok := env.Inputs[name]; !ok {
			return fmt.Errorf("reading the input %s: no page to read it from", name)
		}
	}
	return nil
}

// several reports whether err is a rule finding several texts (which an
// empty value must not hide).
func several(err error) bool {
	var s *severalError
	return errors.As(err, &s)
}

// preferences are how a run chooses among the different texts an input's
// rule finds on a page: the value every demo read (from two demos or
// more), then a value of the form every demo's value had.
func (in Input) preferences(demos int) []func(string) bool {
	var out []func(string) bool
	if v := in.agreed(demos); v != "" {
		out = append(out, func(s string) bool { return s == v })
	}
	if _, f := commonForm(in.Examples); f != nil {
		out = append(out, f)
	}
	return out
}

// forms are kinds of value a demo's value may have, most telling first.
var forms = []struct {
	name string
	re   *regexp.Regexp
}{
	{"an e-mail address", regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)},
	{"a web address", regexp.MustCompile(`^[a-z][a-z0-9+.-]*://\S+$`)},
	{"a number, date or time", regexp.MustCompile(`^[+-]?[0-9][0-9.,:/ -]*[0-9]$|^[0-9]$`)},
	{"one word", regexp.MustCompile(`^\S+$`)},
}

// commonForm is the first form every example has ("" and nil if there are
// no examples or no form fits them all).
func commonForm(examples []string) (string, func(string) bool) {
	if len(examples) == 0 {
		return "", nil
	}
	for _, f := range forms {
		all := true
		for _, x := range examples {
			if !f.re.MatchString(x) {
				all = false
				break
			}
		}
		if all {
			return f.name, f.re.MatchString
		}
	}
	return "", nil
}

// agreed is the value every one of the program's demos read for the
// input, "" if they read different values (or some are not known).
func (in Input) agreed(demos int) string {
	if demos < 2 || len(in.Examples) != demos {
		return ""
	}
	for _, v := range in.Examples[1:] {
		if v != in.Examples[0] {
			return ""
		}
	}
	return in.Examples[0]
}

// StopAt is what a repeated step s, followed by next, is done until: a
// step whose target is s's Until when it has one, else next. An executor
// looks for StopAt's target (UntilTarget) after reading the inputs it
// needs (Fill).
func StopAt(s, next Step) Step {
	if s.Until != nil {
		return Step{Action: ActHover, Target: s.Until}
	}
	return next
}

// Way is the step a repeated count step s is done as on the page o: s
// itself, or s clicking its Opposite when the count already reads more
// than the number it must read and the demos counted up (less, and they
// counted down). The count is the node s.Until matches without its text;
// s is done as it is when that is not one node reading a whole number, or
// the number to reach is not one (env must hold s.Until's inputs: Fill
// with StopAt).
func (s Step) Way(o recording.Outline, env Env) Step {
	if s.Opposite == nil || s.Until == nil || s.Until.Text == nil {
		return s
	}
	want, err := s.Until.Text.Resolve(env)
	if err != nil {
		return s
	}
	w, err := strconv.Atoi(norm(want))
	if err != nil {
		return s
	}
	count := *s.Until
	count.Text = nil
	refs := count.Match(o, env)
	if len(refs) != 1 {
		return s
	}
	n, err := strconv.Atoi(norm(o.Nodes[refs[0]].Text))
	if err != nil {
		return s
	}
	if s.Counts == "up" && n > w || s.Counts == "down" && n < w {
		s.Target = s.Opposite
	}
	return s
}

// Items returns the items a forEach step goes through on the page o: the
// parts of its list input, or the text of each node its query matches.
func (p Program) Items(s Step, o recording.Outline, env Env) ([]string, error) {
	if s.Each != nil {
		var out []string
		for _, ref := range s.Each.Match(o, env) {
			n := o.Nodes[ref]
			out = append(out, ItemText(&n))
		}
		return out, nil
	}
	if s.Over == nil || s.Over.Input == "" {
		return nil, fmt.Errorf("the loop has nothing to go over")
	}
	in, _ := p.Input(s.Over.Input)
	text, ok := env.Inputs[s.Over.Input]
	if !ok {
		return nil, fmt.Errorf("the list %q has no value", s.Over.Input)
	}
	sep := in.List
	if sep == "" {
		sep = ", "
	}
	items := SplitList(text, sep)
	for i, it := range items {
		t, err := ApplyTransform(s.Over.Transform, it)
		if err != nil {
			return nil, err
		}
		items[i] = t
	}
	return items, nil
}

// ItemText is the text that names a node as a loop item: its label, name,
// text, or the key of its row.
func ItemText(n *recording.Node) string {
	return itemField(action{target: n})
}

// Describe is the step in plain words (as in the program's "why").
func (s Step) Describe() string {
	if s.Why != "" {
		return s.Why
	}
	return s.explain(0)
}

// DescribeTarget says what the step's target query looks for.
func (s Step) DescribeTarget() string {
	if s.Target == nil {
		return ""
	}
	return s.Target.describe()
}
