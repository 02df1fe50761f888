package program

import (
	"fmt"
	"strings"
)

// Describe returns the program in plain words, one line per step.
func (p Program) Describe() string {
	var b strings.Builder
	title := p.Title
	if title == "" {
		title = "a task"
	}
	fmt.Fprintf(&b, "Program for %s, learned from %d demonstration%s.\n", title, p.Demos, plural(p.Demos))
	if len(p.Inputs) > 0 {
		b.WriteString("Inputs:\n")
		for _, in := range p.Inputs {
			fmt.Fprintf(&b, "  %s: %s", in.Name, in.describe())
			if len(in.Examples) > 0 {
				fmt.Fprintf(&b, " (in the demos: %s)", quoteAll(in.Examples))
			}
			if in.Extract != nil {
				form, _ := commonForm(in.Examples)
				switch v := in.agreed(p.Demos); {
				case v != "" && form != "":
					fmt.Fprintf(&b, "; where the page has several, the one that reads %q, else the only one that is %s", v, form)
				case v != "":
					fmt.Fprintf(&b, "; where the page has several, the one that reads %q", v)
				case form != "":
					fmt.Fprintf(&b, "; where the page has several, the only one that is %s", form)
				}
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString("Steps:\n")
	describeSteps(&b, p.Steps, "  ", "")
	if p.Dismiss {
		b.WriteString("When a dialog the demos did not show covers a step's target, the run closes it with its only button that refuses or closes (\"Reject all\", \"Close\"), else with its only button that accepts (\"OK\"), and does the step; a dialog with several such buttons, or none, is left alone and the step fails.\n")
	}
	return b.String()
}

func describeSteps(b *strings.Builder, steps []Step, indent, prefix string) {
	for i, s := range steps {
		num := fmt.Sprintf("%s%d", prefix, i+1)
		fmt.Fprintf(b, "%s%s. %s\n", indent, num, s.Why)
		if len(s.Body) > 0 {
			describeSteps(b, s.Body, indent+"   ", num+".")
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func (in Input) describe() string {
	var s string
	switch {
	case in.Param != "":
		s = fmt.Sprintf("the run parameter %q", in.Param)
	case in.Extract != nil:
		s = in.Extract.describe()
	default:
		s = "nothing (an input needs a parameter or an extraction rule)"
	}
	if in.List != "" {
		s += fmt.Sprintf(", a list split at %q", in.List)
	}
	if in.Empty {
		s += fmt.Sprintf(", empty when the text that begins with %q does not say it", in.Extract.In)
	}
	return s
}

// describe says in words how the rule reads its value.
func (e Extract) describe() string {
	var s string
	switch {
	case e.StartsWith != "":
		s = fmt.Sprintf("the text after %q", e.StartsWith)
	case e.Follows != "":
		s = fmt.Sprintf("the text next to %q", e.Follows)
	case e.Field != "":
		s = fmt.Sprintf("the value of the field %q", e.Field)
	case e.After == "^":
		s = fmt.Sprintf("the words that begin a text, up to %q", e.Before)
	case e.After != "" && e.Before == "$":
		s = fmt.Sprintf("the words after %q to the very end", e.After)
	case e.After != "" && e.Before != "":
		s = fmt.Sprintf("the words between %q and %q", e.After, e.Before)
	case e.After != "":
		s = fmt.Sprintf("the words after %q to the end", e.After)
	case e.KeyInput != "":
		s = fmt.Sprintf("the %q cell of the row whose %q is the input %s", e.Column, e.KeyColumn, e.KeyInput)
	default:
		s = fmt.Sprintf("the %q cell of the row %q", e.Column, e.Row)
	}
	if e.In != "" {
		s += fmt.Sprintf(" in the text that begins with %q", e.In)
	}
	if e.Quote > 0 {
		s = fmt.Sprintf("quoted phrase %d of %s", e.Quote, s)
	}
	if e.Quote == -1 {
		s = fmt.Sprintf("every quoted phrase of %s", s)
	}
	if e.Split != "" && e.Part != 0 {
		s = fmt.Sprintf("part %d of %s split at %q", e.Part, s, e.Split)
	}
	if e.Chars > 0 {
		s = fmt.Sprintf("the first %d characters of %s", e.Chars, s)
	}
	if e.Transform != "" {
		s += ", " + describeTransform(e.Transform)
	}
	return "read from the page: " + s
}

func describeTransform(t string) string {
	switch t {
	case "upper":
		return "in upper case"
	case "lower":
		return "in lower case"
	case "title":
		return "with each word capitalised"
	}
	if spec, ok := strings.CutPrefix(t, "date:"); ok {
		from, to, _ := strings.Cut(spec, ">")
		return fmt.Sprintf("as a date rewritten from %s to %s", DateFormats[from], DateFormats[to])
	}
	return t
}

func (v *Value) describe() string {
	if v == nil {
		return "nothing"
	}
	var s string
	switch {
	case v.Const != nil:
		s = fmt.Sprintf("%q", *v.Const)
	case v.Item:
		s = "the item"
	default:
		s = "the input " + v.Input
	}
	if v.Transform != "" {
		s += " " + describeTransform(v.Transform)
	}
	if v.Prefix != "" {
		s = fmt.Sprintf("%q followed by %s", v.Prefix, s)
	}
	if v.Suffix != "" {
		s = fmt.Sprintf("%s followed by %q", s, v.Suffix)
	}
	return s
}

// describe says in words what the query looks for.
func (q Query) describe() string {
	kind := q.Role
	if kind == "" {
		kind = q.Tag
	}
	if kind == "" {
		kind = "element"
	}
	var parts []string
	if q.Name != nil {
		parts = append(parts, "named "+q.Name.describe())
	}
	if q.Label != nil {
		parts = append(parts, "labelled "+q.Label.describe())
	}
	if q.Text != nil {
		parts = append(parts, "reading "+q.Text.describe())
	}
	if q.Attr != "" {
		parts = append(parts, fmt.Sprintf("with %s %s", q.Attr, q.AttrValue.describe()))
	}
	if q.Column != "" {
		parts = append(parts, fmt.Sprintf("in the column %q", q.Column))
	}
	if q.Row != nil {
		parts = append(parts, "in the row of "+q.Row.describe())
	}
	if q.Where != nil {
		is := "is"
		if q.Where.Starts {
			is = "starts with"
		}
		parts = append(parts, fmt.Sprintf("in the row whose %q %s %s", q.Where.Column, is, q.Where.Value.describe()))
	}
	if q.Landmark != "" {
		parts = append(parts, fmt.Sprintf("in the %s", q.Landmark))
	}
	if q.Heading != "" {
		parts = append(parts, fmt.Sprintf("under the heading %q", q.Heading))
	}
	if q.Of > 0 {
		parts = append(parts, fmt.Sprintf("of the list of %d if several match", q.Of))
	}
	s := "the " + kind
	if q.Nth > 0 {
		s = fmt.Sprintf("the %s %s", ordinal(q.Nth), kind)
	}
	if len(parts) > 0 {
		s += " " + strings.Join(parts, ", ")
	}
	return s
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// why explains a step: what it does, what it looks for, which demos agree.
func (l *learner) why(s Step) string { return s.explain(l.n) }

func (s Step) explain(demos int) string {
	var what string
	switch s.Action {
	case ActNavigate:
		what = "Go to " + s.URL
	case ActPress:
		what = fmt.Sprintf("Press %s", s.Key)
	case ActType:
		what = fmt.Sprintf("Type %s into %s", s.Value.describe(), s.Target.describe())
	case ActSelect:
		what = fmt.Sprintf("Choose %s in %s", s.Value.describe(), s.Target.describe())
	case ActCheck:
		what = "Tick " + s.Target.describe()
	case ActUncheck:
		what = "Untick " + s.Target.describe()
	case ActHover:
		what = "Point at " + s.Target.describe()
	case ActDoubleClick:
		what = "Double-click " + s.Target.describe()
	case ActForEach:
		if s.Each != nil {
			what = "For each " + strings.TrimPrefix(s.Each.describe(), "the ") + " (the item is its text)"
		} else {
			what = "For each item of " + s.Over.describe()
		}
	default:
		what = "Click " + s.Target.describe()
	}
	if s.Opposite != nil {
		past := "more"
		if s.Counts == "down" {
			past = "less"
		}
		what += fmt.Sprintf(" (or %s when the count reads %s than the number: the demos counted %s)", s.Opposite.describe(), past, s.Counts)
	}
	switch {
	case s.Repeat && s.Until != nil:
		what += ", again and again until the page shows " + s.Until.describe()
	case s.Repeat:
		what += ", again and again until the next step's target is on the page"
	}
	if s.Scroll {
		what += ", scrolling down to it"
	}
	if s.Late {
		what += ", waiting for it to appear"
	}
	if s.Optional {
		what += ", if it is there"
	}
	agree := fmt.Sprintf("all %d demos agree", demos)
	switch {
	case demos == 1:
		agree = "seen in the one demo"
	case len(s.Demos) < demos:
		agree = fmt.Sprintf("only in demo%s %s", plural(len(s.Demos)), joinInts(s.Demos))
	}
	return what + " (" + agree + ")."
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
