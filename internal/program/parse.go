package program

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Limits on what Parse accepts.
const (
	MaxBytes  = 1 << 20
	MaxSteps  = 1000
	MaxInputs = 100
	MaxDepth  = 4 // loops inside loops
)

var inputName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Parse reads a program in the JSON format of docs/program.md and checks
// it: every error names the step (from 1; "3.2" is the second step of the
// loop that is step 3) or input it is about.
func Parse(data []byte) (Program, error) {
	if len(data) > MaxBytes {
		return Program{}, fmt.Errorf("the program is larger than %d bytes", MaxBytes)
	}
	var p Program
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Program{}, fmt.Errorf("not a program: %w", err)
	}
	if dec.More() {
		return Program{}, errors.New("not a program: more than one JSON value")
	}
	return p, p.Check()
}

// Marshal writes the program as indented JSON.
func (p Program) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Check reports what is wrong with a program, every problem at once.
func (p Program) Check() error {
	var errs []string
	add := func(where, format string, args ...any) {
		errs = append(errs, where+": "+fmt.Sprintf(format, args...))
	}
	if p.Version != Version {
		add("version", "is %d; this program format is version %d", p.Version, Version)
	}
	if p.Demos < 0 || p.Demos > MaxDemos {
		add("demos", "is %d; want 0 to %d", p.Demos, MaxDemos)
	}
	if len(p.Inputs) > MaxInputs {
		add("inputs", "%d inputs; at most %d", len(p.Inputs), MaxInputs)
	}
	inputs := map[string]bool{}
	lists := map[string]bool{}
	for i, in := range p.Inputs {
		where := fmt.Sprintf("input %d", i+1)
		if !inputName.MatchString(in.Name) {
			add(where, "the name %q is not lower-case letters, digits and _ (starting with a letter)", in.Name)
		}
		if inputs[in.Name] {
			add(where, "the name %q is used twice", in.Name)
		}
		inputs[in.Name] = true
		if in.List != "" {
			lists[in.Name] = true
		}
		if in.Empty && (in.Extract == nil || in.Extract.In == "") {
			add(where, "%q may be empty only when read from an instruction (extract with in)", in.Name)
		}
		switch {
		case in.Param != "" && in.Extract != nil:
			add(where, "%q has both a parameter and an extraction rule; it needs one", in.Name)
		case in.Param == "" && in.Extract == nil:
			add(where, "%q has neither a parameter nor an extraction rule", in.Name)
		case in.Extract != nil:
			if msg := in.Extract.check(); msg != "" {
				add(where, "%s", msg)
			}
			if k := in.Extract.KeyInput; k != "" && !inputs[k] {
				add(where, "%q looks its row up by %q, which is not an input before it", in.Name, k)
			}
		}
	}
	if len(p.Steps) == 0 {
		add("steps", "the program has no steps")
	}
	count := 0
	var checkSteps func(steps []Step, prefix string, depth int, inLoop bool)
	checkSteps = func(steps []Step, prefix string, depth int, inLoop bool) {
		for i, s := range steps {
			count++
			where := fmt.Sprintf("step %s%d", prefix, i+1)
			if count > MaxSteps {
				add(where, "more than %d steps", MaxSteps)
				return
			}
			for _, msg := range s.check(inputs, lists, inLoop) {
				add(where, "%s", msg)
			}
			if s.Action == ActForEach {
				if depth >= MaxDepth {
					add(where, "loops nest deeper than %d", MaxDepth)
					continue
				}
				checkSteps(s.Body, fmt.Sprintf("%s%d.", prefix, i+1), depth+1, true)
			}
		}
	}
	checkSteps(p.Steps, "", 0, false)
	if len(errs) > 0 {
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Sprintf("and %d more", len(errs)-20))
		}
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

func (e Extract) check() string {
	anchors := 0
	for _, a := range []string{e.StartsWith, e.Follows, e.Field, e.After} {
		if a != "" {
			anchors++
		}
	}
	switch {
	case e.KeyInput != "" || e.KeyColumn != "":
		if e.KeyInput == "" || e.KeyColumn == "" || e.Column == "" || e.Row != "" {
			return "a row looked up by an input needs key_input, key_column and column, and no row"
		}
		anchors++
	case e.Row != "" || e.Column != "":
		if e.Row == "" || e.Column == "" || strings.HasPrefix(e.Row, "\x00") {
			return "the extraction rule needs both row and column"
		}
		anchors++
	}
	if anchors != 1 {
		return fmt.Sprintf("the extraction rule names %d nodes; it needs exactly one of starts_with, follows, field, after, or row and column", anchors)
	}
	if e.Quote < -1 || e.Quote > 20 {
		return fmt.Sprintf("quote %d is out of range (-1 to 20)", e.Quote)
	}
	if (e.Before != "" || e.In != "") && e.After == "" {
		return "before and in go with after"
	}
	if e.Chars < 0 {
		return "chars is negative"
	}
	if (e.Split == "") != (e.Part == 0) {
		return "split and part go together"
	}
	if _, err := ApplyTransform(e.Transform, ""); err != nil && !strings.HasPrefix(e.Transform, "date:") {
		return err.Error()
	}
	if strings.HasPrefix(e.Transform, "date:") {
		if msg := checkDate(e.Transform); msg != "" {
			return msg
		}
	}
	return ""
}

func checkDate(t string) string {
	from, to, ok := strings.Cut(strings.TrimPrefix(t, "date:"), ">")
	_, okFrom := DateFormats[from]
	_, okTo := DateFormats[to]
	if !ok || !okFrom || !okTo {
		return fmt.Sprintf("unknown date transform %q", t)
	}
	return ""
}

func (v *Value) check(inputs map[string]bool, inLoop bool, what string) []string {
	if v == nil {
		return nil
	}
	var errs []string
	n := 0
	if v.Const != nil {
		n++
	}
	if v.Input != "" {
		n++
		if !inputs[v.Input] {
			errs = append(errs, fmt.Sprintf("%s names the input %q, which the program does not have", what, v.Input))
		}
	}
	if v.Item {
		n++
		if !inLoop {
			errs = append(errs, fmt.Sprintf("%s is the loop item outside a loop", what))
		}
	}
	if n != 1 {
		errs = append(errs, fmt.Sprintf("%s needs exactly one of const, input and item", what))
	}
	if v.Transform != "" {
		if strings.HasPrefix(v.Transform, "date:") {
			if msg := checkDate(v.Transform); msg != "" {
				errs = append(errs, what+": "+msg)
			}
		} else if _, err := ApplyTransform(v.Transform, ""); err != nil {
			errs = append(errs, what+": "+err.Error())
		}
	}
	return errs
}

func (q *Query) check(inputs map[string]bool, inLoop bool, what string) []string {
	if q == nil {
		return nil
	}
	var errs []string
	for _, f := range []struct {
		v    *Value
		name string
	}{{q.Name, "name"}, {q.Text, "text"}, {q.Label, "label"}, {q.AttrValue, "attr_value"}, {q.Row, "row"}} {
		errs = append(errs, f.v.check(inputs, inLoop, what+" "+f.name)...)
	}
	if q.Where != nil {
		if q.Where.Column == "" || q.Where.Value == nil {
			errs = append(errs, what+": where needs a column and a value")
		}
		errs = append(errs, q.Where.Value.check(inputs, inLoop, what+" where")...)
	}
	if (q.Attr == "") != (q.AttrValue == nil) {
		errs = append(errs, what+": attr and attr_value go together")
	}
	if q.Nth < 0 || q.Of < 0 {
		errs = append(errs, fmt.Sprintf("%s: nth is %d, of %d; they count from 1", what, q.Nth, q.Of))
	}
	if q.Role == "" && q.Tag == "" && q.Name == nil && q.Text == nil && q.Label == nil && q.Attr == "" && q.Row == nil {
		errs = append(errs, what+" matches any element: it needs a role, tag, name, text, label, attribute or row")
	}
	return errs
}

func (s Step) check(inputs, lists map[string]bool, inLoop bool) []string {
	var errs []string
	needs := func(ok bool, msg string) {
		if !ok {
			errs = append(errs, msg)
		}
	}
	switch s.Action {
	case ActClick, ActDoubleClick, ActHover, ActCheck, ActUncheck:
		needs(s.Target != nil, s.Action+" needs a target")
	case ActType, ActSelect:
		needs(s.Target != nil, s.Action+" needs a target")
		needs(s.Value != nil, s.Action+" needs a value")
	case ActPress:
		needs(s.Key != "", "press needs a key")
	case ActNavigate:
		needs(s.URL != "", "navigate needs a url")
	case ActForEach:
		needs((s.Over != nil) != (s.Each != nil), "forEach needs exactly one of over and each")
		needs(len(s.Body) > 0, "forEach needs a body")
		if s.Over != nil {
			needs(s.Over.Input != "" && lists[s.Over.Input], "forEach's over must be a list input")
		}
		errs = append(errs, s.Each.check(inputs, inLoop, "each")...)
		errs = append(errs, s.Over.check(inputs, inLoop, "over")...)
		return errs
	default:
		return []string{fmt.Sprintf("unknown action %q", s.Action)}
	}
	if s.Repeat && s.Action != ActClick && s.Action != ActPress {
		errs = append(errs, "only click and press repeat")
	}
	if s.Until != nil && !s.Repeat {
		errs = append(errs, "until goes with repeat")
	}
	errs = append(errs, s.Until.check(inputs, inLoop, "until")...)
	if s.Opposite != nil || s.Counts != "" {
		if s.Opposite == nil || s.Until == nil || s.Until.Text == nil || s.Counts != "up" && s.Counts != "down" {
			errs = append(errs, `opposite goes with until (a count's text) and counts ("up" or "down")`)
		}
		errs = append(errs, s.Opposite.check(inputs, inLoop, "opposite")...)
	}
	if s.Action != ActForEach && len(s.Body) > 0 {
		errs = append(errs, s.Action+" has a body; only forEach does")
	}
	errs = append(errs, s.Target.check(inputs, inLoop, "the target")...)
	errs = append(errs, s.Value.check(inputs, inLoop, "the value")...)
	return errs
}
