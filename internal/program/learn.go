package program

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/recording"
)

// MaxDemos is the most demonstrations Learn takes.
const MaxDemos = 5

// learner holds what Learn has found so far.
type learner struct {
	n    int
	prog Program
	// vals holds each demo's value of each input found.
	vals []map[string]string
	// params holds each demo's recording parameters (name → value).
	params []map[string]string
	// noAffix is set while affixed explains a value's core.
	noAffix bool
	// starts holds each demo's first outline.
	starts []recording.Outline
	// data holds the words of each demo's typed values (value.go).
	data []map[string]bool
	// cands remembers extraction candidates (value.go).
	cands map[candKey][]candidate
}

// thereButNotClicked reports whether an optional click's target was on
// the page in the demos that did not click it: then it is a click done
// as often as needed (zero times, once), not a dialog that came up in
// some demos only.
func (l *learner) thereButNotClicked(s Step, c column) bool {
	for d, u := range c {
		if u != nil {
			continue
		}
		if len(s.Target.Match(l.starts[d], Env{Inputs: l.vals[d]})) != 1 {
			return false
		}
	}
	return true
}

// Learn induces a program from demonstrations of one task done on
// different data (1 to MaxDemos recordings with targets and outlines).
// It returns *Ambiguous when the demos do not decide a step, *DemoError
// for a demo that cannot be learned from (another task, a masked value
// the program needs), and *StepError when the demos contradict each
// other.
func Learn(demos []recording.Recording) (Program, error) {
	if len(demos) == 0 {
		return Program{}, errors.New("no demonstrations to learn from")
	}
	if len(demos) > MaxDemos {
		return Program{}, fmt.Errorf("%d demonstrations; at most %d are used", len(demos), MaxDemos)
	}
	l := &learner{n: len(demos), prog: Program{Version: Version, Demos: len(demos), Title: demos[0].Title}}
	var all [][]action
	for d, rec := range demos {
		as, start, err := actions(d, rec)
		if err != nil {
			return Program{}, err
		}
		if d == 0 {
			l.prog.Start = start
		} else if start != "" && l.prog.Start != "" && !sameTask(start, l.prog.Start) {
			return Program{}, &DemoError{d + 1, 0, fmt.Sprintf("it starts at %s, demo 1 at %s: these are demonstrations of different tasks", start, l.prog.Start)}
		}
		all = append(all, as)
		var first recording.Outline
		if ps := as[0].pages; len(ps) > 0 {
			first = ps[len(ps)-1]
		}
		l.starts = append(l.starts, first)
		l.data = append(l.data, dataWords(as))
		l.vals = append(l.vals, map[string]string{})
		ps := map[string]string{}
		for _, p := range rec.Parameters() {
			ps[p.Name] = p.Default
		}
		l.params = append(l.params, ps)
	}
	commute(all)
	var bodies [][]string
	for _, as := range all {
		for _, b := range findLoops(as) {
			if !slices.ContainsFunc(bodies, func(x []string) bool { return equalSigs(x, b) }) {
				bodies = append(bodies, b)
			}
		}
	}
	us := make([][]unit, len(all))
	for d, as := range all {
		us[d] = units(as, bodies)
	}
	cols := align(us)
	// Demos of different tasks share few steps.
	for d := 1; d < l.n; d++ {
		shared := 0
		for _, c := range cols {
			if c[0] != nil && c[d] != nil {
				shared++
			}
		}
		if 3*shared < min(len(us[0]), len(us[d])) {
			return Program{}, &DemoError{d + 1, -1, fmt.Sprintf("only %d of its steps match demo 1's: these look like demonstrations of different tasks", shared)}
		}
	}
	for _, c := range cols {
		steps, err := l.column(len(l.prog.Steps)+1, c)
		if err != nil {
			return Program{}, err
		}
		l.prog.Steps = append(l.prog.Steps, steps...)
	}
	// A fixed control clicked just before an element the data names
	// appeared (a "Next page" before the result, a "Next month" before
	// the day) is clicked as often as needed: other data may need it
	// more often, or not at all.
	for i := 0; i+1 < len(l.prog.Steps); i++ {
		s, next := &l.prog.Steps[i], l.prog.Steps[i+1]
		first := next
		if next.Action == ActForEach && len(next.Body) > 0 {
			first = next.Body[0]
		}
		if s.Action == ActClick && !s.Repeat && !s.Optional && !usesData(s.Target) && first.Late && usesData(UntilTarget(next)) {
			s.Repeat = true
		}
	}
	// A repeated step stops when the next step's target is there: it
	// needs one.
	for i := range l.prog.Steps {
		s := &l.prog.Steps[i]
		if s.Repeat && s.Until == nil && (i+1 == len(l.prog.Steps) || UntilTarget(l.prog.Steps[i+1]) == nil) {
			s.Repeat = false
		}
		if !s.Repeat {
			s.Why = l.why(*s)
		}
		if s.Repeat {
			s.Optional = false
			s.Why = l.why(*s)
		}
	}
	l.namedTicks(all)
	l.prog.Inputs = usedInputs(l.prog)
	// A banner no demo showed may cover a target on other visits.
	l.prog.Dismiss = true
	return l.prog, nil
}

// usedInputs drops the inputs read from the page that no step uses (a
// reading the learner tried and did not keep); run parameters stay, as a
// run may give them.
func usedInputs(p Program) []Input {
	used := map[string]bool{}
	var walk func([]Step)
	walk = func(ss []Step) {
		for _, s := range ss {
			for _, n := range s.Needs() {
				used[n] = true
			}
			walk(s.Body)
		}
	}
	walk(p.Steps)
	for changed := true; changed; {
		changed = false
		for _, in := range p.Inputs {
			if used[in.Name] && in.Extract != nil && in.Extract.KeyInput != "" && !used[in.Extract.KeyInput] {
				used[in.Extract.KeyInput], changed = true, true
			}
		}
	}
	var out []Input
	for _, in := range p.Inputs {
		if used[in.Name] || in.Param != "" {
			out = append(out, in)
		}
	}
	return out
}

// column makes the program step(s) for one aligned column.
func (l *learner) column(step int, c column) ([]Step, error) {
	var present []int
	var first *unit
	for d, u := range c {
		if u != nil {
			present = append(present, d)
			if first == nil {
				first = u
			}
		}
	}
	optional := len(present) < l.n
	if !first.loop {
		var as []action
		for _, d := range present {
			as = append(as, c[d].iters[0][0])
		}
		if loop, ok, err := l.singleLoop(step, c, present, as); err != nil || ok {
			loop.Optional = optional
			loop.Why = l.why(loop)
			return []Step{loop}, err
		}
		s, err := l.plain(step, as, nil)
		if err != nil {
			return nil, err
		}
		s.Optional = optional
		counts := map[int]bool{}
		for _, a := range as {
			counts[a.repeat] = true
		}
		if s.Action == ActClick && (len(counts) > 1 || !counts[1] || optional && l.thereButNotClicked(s, c)) {
			s.Repeat = true
			if !optional {
				s.Until, s.Opposite, s.Counts = l.counter(step, as)
				if s.Until == nil || s.Opposite == nil {
					s.Opposite, s.Counts = nil, ""
				}
			}
		}
		s.Why = l.why(s)
		return []Step{s}, nil
	}
	return l.loop(step, c, present, optional)
}

// plain makes one step from the demos' actions for it; items, if not
// nil, are the loop items each action was done for.
func (l *learner) plain(step int, as []action, items []string) (Step, error) {
	a := as[0]
	s := Step{Action: a.kind, Key: a.key, URL: a.url}
	for _, b := range as {
		if !slices.Contains(s.Demos, b.demo+1) {
			s.Demos = append(s.Demos, b.demo+1)
		}
		s.Late = s.Late || b.late
		s.Scroll = s.Scroll || b.scrolled
	}
	if a.kind == ActNavigate {
		for _, b := range as[1:] {
			if b.url != a.url {
				return Step{}, &StepError{step, fmt.Sprintf("the demos go to different addresses (%s, %s) and nothing says which", a.url, b.url)}
			}
		}
	}
	if a.kind == ActType || a.kind == ActSelect {
		os := l.observe(as, items, func(b action) string { return b.value })
		for i := range os {
			os[i].param, os[i].masked = as[i].param, as[i].masked
		}
		v, err := l.explainValue(step, os, fieldLabel(a.target), false)
		if err != nil {
			return Step{}, err
		}
		s.Value = v
	}
	if a.target != nil {
		q, err := l.target(step, as, items)
		if err != nil {
			return Step{}, err
		}
		s.Target = q
	}
	s.Why = l.why(s)
	return s, nil
}

// observe collects what each action shows about a value.
func (l *learner) observe(as []action, items []string, value func(action) string) []obs {
	os := make([]obs, len(as))
	for i, a := range as {
		os[i] = obs{demo: a.demo, value: value(a), pages: a.pages, step: a.step, self: -1}
		if items != nil {
			os[i].item, os[i].hasItem = items[i], true
		}
	}
	return os
}

// contradicts reports two demos that saw the same page, with the same
// parameters, and acted on different elements in the same step.
func (l *learner) contradicts(step int, as []action, items []string) error {
	for i := range as {
		for j := i + 1; j < len(as); j++ {
			a, b := as[i], as[j]
			if a.demo == b.demo || itemField(a) == itemField(b) || len(a.pages) == 0 || len(b.pages) == 0 || !maps.Equal(l.params[a.demo], l.params[b.demo]) {
				continue
			}
			if items != nil && items[i] != items[j] {
				continue
			}
			if pageText(a.pages[0]) == pageText(b.pages[0]) {
				return &StepError{step, fmt.Sprintf("demos %d and %d saw the same page and acted on different elements (%s, %s): they contradict each other", a.demo+1, b.demo+1, what(a.target), what(b.target))}
			}
		}
	}
	return nil
}

func pageText(o recording.Outline) string {
	var b strings.Builder
	for _, n := range o.Nodes {
		b.WriteString(n.Text)
		b.WriteString(n.Value)
		b.WriteByte(0)
	}
	return b.String()
}

// fieldLabel names a field for an input's label.
func fieldLabel(n *recording.Node) string {
	if n == nil {
		return ""
	}
	for _, s := range []string{n.Label, n.Name, n.Attributes["placeholder"], n.Attributes["name"], n.Attributes["id"]} {
		if s = norm(s); s != "" {
			return s
		}
	}
	return "value"
}

// loop makes a forEach step, or unrolls the passes when every demo made as
// many and nothing lists the items.
func (l *learner) loop(step int, c column, present []int, optional bool) ([]Step, error) {
	body := c[present[0]].body
	// The item: the text that tells passes apart, at the first action
	// whose target differs between passes.
	key := 0
	for j := range body {
		var passes [][]action
		for _, d := range present {
			passes = append(passes, c[d].iters...)
		}
		if len(passes) > 1 && varies(passes) {
			a := passes[0][j]
			if a.target != nil && a.kind != ActType && a.kind != ActSelect && !isField(a.target) {
				seen := map[string]bool{}
				for _, p := range passes {
					seen[itemField(p[j])] = true
				}
				if len(seen) > 1 {
					key = j
					break
				}
			}
		}
	}
	items := make([][]string, l.n)
	counts := map[int]bool{}
	for _, d := range present {
		for _, pass := range c[d].iters {
			items[d] = append(items[d], itemField(pass[key]))
		}
		counts[len(c[d].iters)] = true
	}
	s := Step{Action: ActForEach, Optional: optional}
	for _, d := range present {
		s.Demos = append(s.Demos, d+1)
	}
	if over, ok := l.listSource(present, c, items); ok {
		s.Over = over
	} else if each := l.eachQuery(present, c, key); each != nil {
		s.Each = each
	} else if len(counts) == 1 {
		// The same number of passes in every demo: separate steps.
		var out []Step
		n := len(c[present[0]].iters)
		for k := 0; k < n; k++ {
			for j := range body {
				var as []action
				for _, d := range present {
					as = append(as, c[d].iters[k][j])
				}
				st, err := l.plain(step+len(out), as, nil)
				if err != nil {
					return nil, err
				}
				st.Optional = optional
				st.Why = l.why(st)
				out = append(out, st)
			}
		}
		return out, nil
	} else if out, ok, err := l.unroll(step, c, present, optional); ok || err != nil {
		return out, err
	} else {
		var ns []string
		for _, d := range present {
			ns = append(ns, fmt.Sprint(len(c[d].iters)))
		}
		return nil, &StepError{step, fmt.Sprintf("the demos repeat this %s times, and neither a parameter nor the page lists the items (%q…)", strings.Join(ns, ", "), items[present[0]][0])}
	}
	for j := range body {
		var as []action
		var its []string
		for _, d := range present {
			for k, pass := range c[d].iters {
				as = append(as, pass[j])
				its = append(its, items[d][k])
			}
		}
		st, err := l.plain(step, as, its)
		if err != nil {
			return nil, err
		}
		s.Body = append(s.Body, st)
	}
	s.Why = l.why(s)
	return []Step{s}, nil
}

// unroll takes a loop whose items nothing lists, done a different number
// of times, for what it more likely is: steps in a row on elements of one
// kind ("Accept" on a banner, "Size M", "Buy"), some of them in some
// demos only. It lines the passes up as steps of their own and learns
// each; it declines (ok false) unless a step is in every demo that has
// the loop, for items that change from demo to demo are a list after all.
func (l *learner) unroll(step int, c column, present []int, optional bool) ([]Step, bool, error) {
	us := make([][]unit, l.n)
	for _, d := range present {
		for _, pass := range c[d].iters {
			for _, a := range pass {
				us[d] = append(us[d], unit{iters: [][]action{{a}}})
			}
		}
	}
	cols := align(us)
	common := 0
	for _, col := range cols {
		if all2(present, func(d int) bool { return col[d] != nil }) {
			common++
		}
	}
	if common == 0 {
		return nil, false, nil
	}
	var out []Step
	for _, col := range cols {
		steps, err := l.column(step+len(out), col)
		if err != nil {
			return nil, false, err
		}
		for i := range steps {
			if optional && !steps[i].Optional {
				steps[i].Optional = true
				steps[i].Why = l.why(steps[i])
			}
		}
		out = append(out, steps...)
	}
	return out, true, nil
}

// listSeps are the separators a list of items may be written with.
var listSeps = []string{", ", "; ", ",", " / ", " | "}

// SplitList splits a list's text into items: at sep, trimmed, with an
// "and " or "or " before the last item dropped.
func SplitList(text, sep string) []string {
	var out []string
	for _, p := range strings.Split(text, sep) {
		p = strings.TrimSpace(p)
		for _, w := range []string{"and ", "or "} {
			p = strings.TrimPrefix(p, w)
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// itemsMatch reports whether the list got, transformed by tr, holds
// want's items in some order — and, when done is set, other items for
// which done is true (boxes a list names that were ticked already, so the
// demo did not click them).
func itemsMatch(got, want []string, tr string, done func(string) bool) bool {
	if len(got) != len(want) && done == nil || len(got) < len(want) {
		return false
	}
	a := make([]string, len(got))
	for i, g := range got {
		t, err := ApplyTransform(tr, g)
		if err != nil {
			return false
		}
		a[i] = norm(t)
	}
	left := slices.Clone(want)
	for _, x := range a {
		if i := slices.Index(left, x); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else if done == nil || !done(x) {
			return false
		}
	}
	return len(left) == 0
}

// listSource finds a list, in a parameter or on the page, that holds each
// demo's items.
func (l *learner) listSource(present []int, c column, items [][]string) (*Value, bool) {
	trs := append([]string{""}, Transforms...)
	// For ticking, a listed box that was ticked already was not clicked.
	var doneIn func(d int) func(string) bool
	if a := c[present[0]].first(); a.target != nil && (a.kind == ActCheck || a.kind == ActUncheck) && len(c[present[0]].body) == 1 {
		want := a.kind == ActCheck
		role := a.target.Role
		doneIn = func(d int) func(string) bool {
			o := c[d].first().outline
			return func(item string) bool {
				for _, n := range o.Nodes {
					if n.Role == role && norm(ItemText(&n)) == item {
						return n.Checked != nil && *n.Checked == want
					}
				}
				return false
			}
		}
	}
	match := func(d int, got []string, tr string) bool {
		var done func(string) bool
		if doneIn != nil {
			done = doneIn(d)
		}
		return itemsMatch(got, items[d], tr, done)
	}
	// A recording parameter.
	for name := range l.params[present[0]] {
		for _, sep := range listSeps {
			for _, tr := range trs {
				if all2(present, func(d int) bool {
					v, ok := l.params[d][name]
					return ok && match(d, SplitList(v, sep), tr)
				}) {
					in := l.paramInput(name, name, nil)
					l.setList(in, sep)
					return &Value{Input: in, Transform: tr}, true
				}
			}
		}
	}
	// Text on the page where the loop began.
	type key struct {
		rule Extract
		sep  string
		tr   string
	}
	// common counts, for each rule, the listed items that were done
	// already: a rule that names exactly what was clicked comes first.
	var common map[key]int
	for i, d := range present {
		got := map[key]int{}
		for _, page := range c[d].first().pages {
			for _, n := range page.Nodes {
				t := norm(n.Text)
				if t == "" {
					continue
				}
				if n.Interactive || choice(n) {
					continue
				}
				var anchors []Extract
				var texts []string
				if k := labelColon(t); k > 0 {
					anchors, texts = append(anchors, Extract{StartsWith: t[:k+1]}), append(texts, strings.TrimSpace(t[k+1:]))
				}
				if p := prevText(page, n.Ref); p != "" && len(p) < 60 {
					anchors, texts = append(anchors, Extract{Follows: p}), append(texts, t)
				}
				if k := strings.IndexAny(t, "\"“„«‘'"); k > 0 {
					anchors, texts = append(anchors, Extract{StartsWith: strings.TrimSpace(t[:k])}), append(texts, t)
				}
				if len(quoted(t)) > 1 {
					// Some of the quoted items: cut them out by the words
					// around them ("turn on “a”, “b”, turn off “c”").
					for _, sp := range spans(t, 24) {
						// "and" and "or" join a list's last item, and a
						// quote mark opens its next: the list goes on.
						if b := strings.ToLower(sp[1]); b == "and" || b == "or" || b != "" && strings.ContainsAny(b, "\"“„«‘'") || countQuoteMarks(sp[2])%2 != 0 {
							continue
						}
						if strings.ContainsAny(sp[2], "\"“„«‘'") {
							// Only in the sentence that begins alike: a note
							// may hold the same small words.
							anchors, texts = append(anchors, Extract{After: sp[0], Before: sp[1], In: firstWord(t)}), append(texts, sp[2])
						}
					}
				}
				for a, text := range texts {
					if qs := quoted(text); len(qs) > 0 {
						for _, tr := range trs {
							if match(d, qs, tr) {
								r := anchors[a]
								r.Quote = -1
								got[key{r, "\n", tr}] = len(qs) - len(items[d])
							}
						}
					}
					if anchors[a].After != "" || anchors[a].StartsWith != "" && !strings.HasSuffix(anchors[a].StartsWith, ":") {
						continue
					}
					for _, sep := range listSeps {
						for _, tr := range trs {
							if parts := SplitList(text, sep); match(d, parts, tr) {
								got[key{anchors[a], sep, tr}] = len(parts) - len(items[d])
							}
						}
					}
				}
			}
		}
		if i == 0 {
			common = got
			continue
		}
		for k := range common {
			if n, ok := got[k]; ok {
				common[k] += n
			} else {
				delete(common, k)
			}
		}
	}
	var keys []key
	for k := range common {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, false
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := common[a] - common[b]; c != 0 {
			return c
		}
		if c := a.rule.cost() - b.rule.cost(); c != 0 {
			return c
		}
		if c := len(a.tr) - len(b.tr); c != 0 {
			return c
		}
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	k := keys[0]
	var os []obs
	for _, d := range present {
		os = append(os, obs{demo: d, value: strings.Join(items[d], k.sep)})
	}
	in := l.extractInput(k.rule, "items", os, k.sep)
	return &Value{Input: in, Transform: k.tr}, true
}

func (l *learner) setList(name, sep string) {
	for i := range l.prog.Inputs {
		if l.prog.Inputs[i].Name == name {
			l.prog.Inputs[i].List = sep
		}
	}
}

func all2(ds []int, f func(int) bool) bool {
	for _, d := range ds {
		if !f(d) {
			return false
		}
	}
	return true
}

// eachQuery finds a query that matches exactly the elements the passes
// acted on, in every demo: "every check box under the heading Overdue".
func (l *learner) eachQuery(present []int, c column, key int) *Query {
	first := c[present[0]].iters[0][key]
	if first.target == nil {
		return nil
	}
	t := first.target
	var tries []Query
	base := Query{Role: t.Role}
	if base.Role == "" {
		base.Tag = t.Tag
	}
	if t.Place != nil && t.Place.ColumnHeader != "" {
		tries = append(tries, Query{Role: base.Role, Tag: base.Tag, Column: norm(t.Place.ColumnHeader)})
	}
	if h := norm(t.Heading); h != "" {
		tries = append(tries, Query{Role: base.Role, Tag: base.Tag, Heading: h})
	}
	if lm := norm(t.Landmark); lm != "" {
		tries = append(tries, Query{Role: base.Role, Tag: base.Tag, Landmark: lm})
	}
	tries = append(tries, base)
	// Only the rows whose cell in some column is the same for every pass
	// (the mails from one sender).
	for _, col := range rowColumns(first.outline, t) {
		var os []obs
		// cut: the demo's value is already the words its cells share.
		var cut []bool
		ok, starts := true, false
		for _, d := range present {
			u := c[d]
			val := ""
			for k, pass := range u.iters {
				o := u.first().outline
				o2, ref := withTarget(o, *pass[key].target)
				if len(o2.Nodes) != len(o.Nodes) {
					ok = false
					break
				}
				v, found := cellOf(o, &o.Nodes[ref], col)
				if !found || v == "" {
					ok = false
					break
				}
				if k > 0 && v != val {
					// Cells that begin alike: the words they share.
					v = leadingWords(val, v)
					if v == "" {
						ok = false
						break
					}
					starts = true
				}
				val = v
			}
			if !ok {
				break
			}
			os = append(os, obs{demo: d, value: val, pages: u.first().pages, self: -1})
			cut = append(cut, len(u.iters) > 1)
		}
		if !ok {
			continue
		}
		v, err := l.explainValue(0, os, col, true)
		if err != nil {
			continue
		}
		if v == nil || v.Const != nil && len(present) > 1 || v.Suffix != "" || v.Input != "" && l.isLookup(v.Input) {
			// Perhaps the cells begin with the value: "every mail whose
			// subject starts with “Invoice”".
			v = nil
			for n := 1; v == nil && n < 6; n++ {
				lead := make([]obs, len(os))
				ok := true
				for i, o := range os {
					w := strings.Fields(o.value)
					if n > len(w) || n == len(w) && !cut[i] {
						ok = false
						break
					}
					o.value = strings.Join(w[:n], " ")
					lead[i] = o
				}
				if !ok {
					break
				}
				if got, err := l.explainValue(0, lead, col, true); err == nil && got != nil && got.Const == nil {
					v, starts = got, true
				}
			}
			if v == nil {
				continue
			}
		}
		w := &Where{Column: col, Value: v, Starts: starts}
		for _, q := range append([]Query(nil), tries...) {
			q.Where = w
			tries = append([]Query{q}, tries...)
		}
	}
	for _, q := range tries {
		ok := true
		for _, d := range present {
			u := c[d]
			o := u.first().outline
			var want []int
			for _, pass := range u.iters {
				a := pass[key]
				if a.target == nil {
					ok = false
					break
				}
				// A later pass's target may have been numbered in a
				// page that changed since (a row deleted): find it by
				// what it reads.
				o2, ref := withTarget(o, *a.target)
				if ref >= len(o.Nodes) || len(o2.Nodes) != len(o.Nodes) {
					ok = false
					break
				}
				want = append(want, ref)
			}
			slices.Sort(want)
			if !ok || !slices.Equal(q.Match(o, Env{Inputs: l.vals[d]}), want) {
				ok = false
				break
			}
		}
		if ok {
			return &q
		}
	}
	return nil
}

// leadingWords is the longest run of whole words both texts begin with.
func leadingWords(a, b string) string {
	wa, wb := strings.Fields(a), strings.Fields(b)
	n := 0
	for n < len(wa) && n < len(wb) && wa[n] == wb[n] {
		n++
	}
	return strings.Join(wa[:n], " ")
}

// singleLoop turns a step that clicks or ticks the element a sentence's
// quoted phrase names into a loop over the sentence's quoted phrases, when
// in every demo the others were ticked already or there were none: "Tick
// “Limes”, then save." may read "Tick “Figs”, “Kiwis” and “Limes”" on
// other data, and a loop over one item is the click.
func (l *learner) singleLoop(step int, c column, present []int, as []action) (Step, bool, error) {
	a0 := as[0]
	if a0.target == nil || isField(a0.target) || a0.kind != ActClick && a0.kind != ActCheck && a0.kind != ActUncheck || a0.repeat > 1 {
		return Step{}, false, nil
	}
	items := make([][]string, l.n)
	c2 := make(column, l.n)
	var flat []string
	for i, d := range present {
		a := as[i]
		if a.repeat > 1 || itemField(a) == "" {
			return Step{}, false, nil
		}
		items[d] = []string{itemField(a)}
		c2[d] = &unit{loop: true, body: []string{a.sig()}, iters: [][]action{{a}}}
		flat = append(flat, itemField(a))
	}
	kept := len(l.prog.Inputs)
	undo := func() {
		for _, in := range l.prog.Inputs[kept:] {
			for d := range l.vals {
				delete(l.vals[d], in.Name)
			}
		}
		l.prog.Inputs = l.prog.Inputs[:kept]
	}
	over, ok := l.listSource(present, c2, items)
	if !ok {
		undo()
		// Rows a query picks by another cell ("every mail whose subject
		// starts with X"), when the demos each had one.
		if each := l.eachQuery(present, c2, 0); each != nil && each.Where != nil && each.Where.Starts {
			body, err := l.plain(step, as, flat)
			if err != nil {
				undo()
				return Step{}, false, nil
			}
			loop := Step{Action: ActForEach, Each: each, Body: []Step{body}}
			for _, d := range present {
				loop.Demos = append(loop.Demos, d+1)
			}
			return loop, true, nil
		}
		undo()
		return Step{}, false, nil
	}
	if in, _ := l.prog.Input(over.Input); in.Extract == nil || in.Extract.Quote != -1 || a0.kind == ActClick && in.Extract.After != "" {
		undo()
		return Step{}, false, nil
	}
	body, err := l.plain(step, as, flat)
	if err != nil {
		undo()
		return Step{}, false, nil
	}
	loop := Step{Action: ActForEach, Over: over, Body: []Step{body}}
	for _, d := range present {
		loop.Demos = append(loop.Demos, d+1)
	}
	return loop, true, nil
}

// isLookup reports whether an input is a cell looked up by another.
func (l *learner) isLookup(name string) bool {
	in, ok := l.prog.Input(name)
	return ok && in.Extract != nil && in.Extract.KeyInput != ""
}

// UntilTarget is what a repeated step before next looks for to stop:
// next's target, or the target of the first step of next's loop body.
func UntilTarget(next Step) *Query {
	if next.Target != nil {
		return next.Target
	}
	if next.Action == ActForEach && len(next.Body) > 0 {
		return next.Body[0].Target
	}
	return nil
}

// usesData reports whether a query compares with an input or the loop
// item.
func usesData(q *Query) bool {
	if q == nil {
		return false
	}
	for _, v := range []*Value{q.Name, q.Text, q.Label, q.AttrValue, q.Row} {
		if v != nil && (v.Input != "" || v.Item) {
			return true
		}
	}
	return q.Where != nil && q.Where.Value != nil && (q.Where.Value.Input != "" || q.Where.Value.Item)
}

// counter finds, for a click the demos repeated, the number beside its
// target that the clicks counted up (or down, one a click) to a number the
// page gives: "+" clicked until the count reads the number of guests the
// instruction says. It returns the query that matches the count when it
// reads that number, or nil; the control beside the count that counts the
// other way, if there is one; and the way the clicks counted ("up",
// "down").
func (l *learner) counter(step int, as []action) (*Query, *Query, string) {
	refs := make([]int, len(as))
	starts := make([]int, len(as))
	for i, a := range as {
		o := a.outline
		o2, t := withTarget(o, *a.target)
		if len(o2.Nodes) != len(o.Nodes) {
			return nil, nil, ""
		}
		tn := o.Nodes[t]
		found := -1
		for j, n := range o.Nodes {
			if n.Interactive || j == t || !beside(n, tn) {
				continue
			}
			v, err := strconv.Atoi(norm(n.Text))
			if err != nil {
				continue
			}
			if found >= 0 {
				return nil, nil, ""
			}
			found, starts[i] = j, v
		}
		if found < 0 {
			return nil, nil, ""
		}
		refs[i] = found
	}
	// The count's query, without its text: it must pick the count alone.
	q := l.fixedQuery(as, refs, false)
	if q == nil {
		return nil, nil, ""
	}
	for _, dir := range []int{1, -1} {
		os := make([]obs, len(as))
		for i, a := range as {
			os[i] = obs{demo: a.demo, value: strconv.Itoa(starts[i] + dir*a.repeat), pages: a.pages, step: a.step, self: refs[i]}
		}
		rule, err := l.findRule(step, os, true)
		if err != nil || rule == nil {
			continue
		}
		until := *q
		until.Text = &Value{Input: l.extractInput(*rule, "count", os, "")}
		way := "up"
		if dir < 0 {
			way = "down"
		}
		return &until, l.opposite(as, refs), way
	}
	return nil, nil, ""
}

// opposite finds, for a click that counted a number up (or down), the
// control beside the number that counts it the other way: in every demo
// the one other element of the clicked one's role and tag beside the
// number ("−" beside "+"), picked by a query without data. Nil when a
// demo has none or several: then a run counts only the demos' way.
func (l *learner) opposite(as []action, counts []int) *Query {
	refs := make([]int, len(as))
	for i, a := range as {
		o := a.outline
		_, t := withTarget(o, *a.target)
		tn, cn := o.Nodes[t], o.Nodes[counts[i]]
		found := -1
		for j, n := range o.Nodes {
			if j == t || !n.Interactive || n.Role != tn.Role || n.Tag != tn.Tag || !beside(n, cn) {
				continue
			}
			if found >= 0 {
				return nil
			}
			found = j
		}
		if found < 0 {
			return nil
		}
		refs[i] = found
	}
	return l.fixedQuery(as, refs, true)
}

// fixedQuery is the first of a few queries without inputs (by name,
// label, id, role, tag; by text too when text is set) that picks node
// refs[i] alone in each action's outline; nil if none does.
func (l *learner) fixedQuery(as []action, refs []int, text bool) *Query {
	n0 := as[0].outline.Nodes[refs[0]]
	var tries []Query
	if n0.Role != "" {
		if nm := norm(n0.Name); nm != "" {
			tries = append(tries, Query{Role: n0.Role, Name: Const(nm)})
		}
		if lb := norm(n0.Label); lb != "" {
			tries = append(tries, Query{Role: n0.Role, Label: Const(lb)})
		}
	}
	if tx := norm(n0.Text); text && tx != "" {
		tries = append(tries, Query{Role: n0.Role, Tag: n0.Tag, Text: Const(tx)})
	}
	if id := n0.Attributes["id"]; id != "" {
		tries = append(tries, Query{Role: n0.Role, Tag: n0.Tag, Attr: "id", AttrValue: Const(id)})
	}
	if n0.Role != "" {
		tries = append(tries, Query{Role: n0.Role})
	}
	tries = append(tries, Query{Tag: n0.Tag})
	for _, t := range tries {
		if all2(indices(as), func(i int) bool {
			return slices.Equal(t.Match(as[i].outline, Env{Inputs: l.vals[as[i].demo]}), []int{refs[i]})
		}) {
			return &t
		}
	}
	return nil
}

// beside reports whether two nodes stand together: the same parent, or
// the same group of siblings.
func beside(a, b recording.Node) bool {
	if a.Parent >= 0 && a.Parent == b.Parent {
		return true
	}
	return a.Place != nil && b.Place != nil && a.Place.Container >= 0 && a.Place.Container == b.Place.Container
}

func indices[T any](xs []T) []int {
	out := make([]int, len(xs))
	for i := range out {
		out[i] = i
	}
	return out
}

// countQuoteMarks counts the quote marks in s: an odd count cuts a quoted
// phrase.
func countQuoteMarks(s string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune("\"“”„«»‘’'", r) {
			n++
		}
	}
	return n
}
