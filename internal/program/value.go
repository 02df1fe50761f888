package program

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/allmende/allmende/internal/recording"
)

// obs is what one demo shows about a value: the value, where the demo
// was, and the loop item it was on.
type obs struct {
	demo    int
	value   string
	param   string
	masked  bool
	pages   []recording.Outline
	item    string
	hasItem bool
	step    int // the recording's step, for errors
	// self is the ref of the target in pages[0] when the value is the
	// target's own text, which cannot explain itself; -1 otherwise.
	self int
}

// explainValue says where a value that the demos typed, or that a
// target's text held, comes from. forTarget is set for a target's text:
// then no new parameter is made up, and nil means "not explained".
func (l *learner) explainValue(step int, os []obs, label string, forTarget bool) (*Value, error) {
	vals := make([]string, len(os))
	for i, o := range os {
		vals[i] = norm(o.value)
	}
	// A recording parameter: the member said the value changes from run
	// to run, but not where it comes from — the page may say it (a
	// recorder that keeps values makes every typed field a parameter).
	param := os[0].param
	if param != "" && !all(os, func(o obs) bool { return o.param == param }) {
		param = ""
	}
	// 2. A masked value.
	if i := slices.IndexFunc(os, func(o obs) bool { return o.masked }); i >= 0 {
		if forTarget {
			return nil, nil
		}
		if !all(os, func(o obs) bool { return o.masked }) {
			return nil, &DemoError{os[i].demo + 1, os[i].step, "the value was masked when it was recorded, and the program needs it to learn where it comes from; keep it (make it a parameter) and record again"}
		}
		return &Value{Input: l.paramInput(slug(label), label, nil)}, nil
	}
	if slices.Contains(vals, "") {
		if forTarget {
			return nil, nil
		}
		if all(os, func(o obs) bool { return norm(o.value) == "" }) {
			return Const(""), nil
		}
	}
	same := all(os, func(o obs) bool { return norm(o.value) == vals[0] })
	// 3. The loop item.
	if all(os, func(o obs) bool { return o.hasItem }) {
		if tr, ok := commonTransform(os, func(o obs) string { return o.item }); ok && !(same && distinctItems(os) < 2 && len(os) > 1) {
			return &Value{Item: true, Transform: tr}, nil
		}
	}
	// 4. An input found before (a value typed earlier, read earlier).
	if !same || len(os) == 1 {
		var fits []*Value
		for _, in := range l.prog.Inputs {
			if tr, ok := commonTransform(os, func(o obs) string { return l.vals[o.demo][in.Name] }); ok {
				if !all(os, func(o obs) bool { _, ok := l.vals[o.demo][in.Name]; return ok }) {
					continue
				}
				fits = append(fits, &Value{Input: in.Name, Transform: tr})
			}
		}
		if len(fits) > 1 && fits[0].Transform == fits[1].Transform {
			return nil, &Ambiguous{step, fmt.Sprintf("the value %q could be the input %q or the input %q, which were equal in every demo", vals[0], fits[0].Input, fits[1].Input)}
		}
		if len(fits) > 0 {
			return fits[0], nil
		}
	}
	if param != "" {
		rule, err := l.findRule(step, os, false)
		if err != nil {
			return nil, err
		}
		if rule != nil && (!same || len(os) == 1) {
			return &Value{Input: l.extractInput(*rule, label, os, "")}, nil
		}
		if !same || len(os) == 1 {
			return &Value{Input: l.paramInput(param, label, os)}, nil
		}
	}
	// 5. The same in every demo (of several): a constant — unless it is
	// a target's text that the instruction says ("On the “Profile” tab",
	// "Reject the claim of …"): other data may name another.
	if same && len(os) > 1 {
		if forTarget && !l.noAffix {
			rule, err := l.findRule(step, os, true)
			if err != nil {
				return nil, err
			}
			if rule != nil {
				return &Value{Input: l.extractInput(*rule, label, os, "")}, nil
			}
		}
		return Const(vals[0]), nil
	}
	// 6. Text on the page, read by a rule every demo agrees on.
	if !all(os, func(o obs) bool { return o.hasItem }) || same {
		rule, err := l.findRule(step, os, forTarget && (same || len(os) == 1))
		if err != nil {
			return nil, err
		}
		if rule != nil {
			return &Value{Input: l.extractInput(*rule, label, os, "")}, nil
		}
	}
	// 7. A constant text around one of the above: "Choose " and the
	// plan's name.
	if v, err := l.affixed(step, os, label); v != nil || err != nil {
		return v, err
	}
	if same {
		return Const(vals[0]), nil
	}
	if forTarget {
		return nil, nil
	}
	// 8. Different in each demo and nowhere on the page: the run gives it.
	if all(os, func(o obs) bool { return o.hasItem }) {
		return nil, &StepError{step, fmt.Sprintf("the value differs for each item (%q, %q…) and neither the item nor the page explains it", vals[0], vals[1])}
	}
	return &Value{Input: l.paramInput(slug(label), label, os)}, nil
}

func all(os []obs, f func(obs) bool) bool {
	for _, o := range os {
		if !f(o) {
			return false
		}
	}
	return true
}

func distinctItems(os []obs) int {
	seen := map[string]bool{}
	for _, o := range os {
		seen[o.item] = true
	}
	return len(seen)
}

// commonTransform finds the simplest transform that turns from(o) into
// o.value for every o.
func commonTransform(os []obs, from func(obs) string) (string, bool) {
	var common []string
	for i, o := range os {
		trs := transformsTo(norm(from(o)), norm(o.value))
		if i == 0 {
			common = trs
			continue
		}
		common = slices.DeleteFunc(common, func(t string) bool { return !slices.Contains(trs, t) })
	}
	if len(common) == 0 {
		return "", false
	}
	return common[0], true
}

// findRule returns the simplest extraction rule that reads every demo's
// value from its pages, nil if none does.
//
// strict keeps only rules that read a label's or an instruction's text
// (StartsWith, or After and Before that are the sentence's small words): a
// target's name seen in one demo is taken for a constant unless the page
// says it in words like "Open “Invoices”" or "set the date to 3 May and".
func (l *learner) findRule(step int, os []obs, strict bool) (*Extract, error) {
	type src struct{ page, ref int }
	var common map[Extract][]src
	for i, o := range os {
		got := map[Extract][]src{}
		for p, page := range o.pages {
			for _, c := range l.candidates(page, o.value) {
				if p == 0 && o.self >= 0 && within(page, o.self, c.ref) || strict && (!c.rule.wordsOf(page) || c.rule.Transform != "" || page.Nodes[c.ref].Interactive || l.noAffix && c.rule.Quote == 0 && !slices.Contains(arrows, c.rule.Split)) {
					continue
				}
				if _, ok := got[c.rule]; !ok {
					got[c.rule] = []src{{p, c.ref}}
				}
			}
		}
		if i == 0 {
			common = got
			continue
		}
		for r := range common {
			if s, ok := got[r]; ok {
				common[r] = append(common[r], s...)
			} else {
				delete(common, r)
			}
		}
	}
	if len(common) == 0 {
		if strict || l.noAffix {
			return nil, nil
		}
		return l.lookupRule(step, os)
	}
	rules := make([]Extract, 0, len(common))
	for r := range common {
		rules = append(rules, r)
	}
	costs := map[Extract]int{}
	span := map[Extract]int{}
	for _, r := range rules {
		costs[r] = r.cost() + l.dataAnchor(r, os)
		// Of two rules as simple, the one that reads the value out of
		// fewer words ("to 10:40", not "of the meeting to 10:40").
		if page := os[0].pages[common[r][0].page]; true {
			if text, ref, err := r.anchorText(page); err == nil {
				span[r] = len(text)
				costs[r] += endCost(r, norm(page.Nodes[ref].Text))
			}
		}
	}
	cost := func(r Extract) int { return costs[r] }
	slices.SortFunc(rules, func(a, b Extract) int {
		if c := cost(a) - cost(b); c != 0 {
			return c
		}
		if c := span[a] - span[b]; c != 0 {
			return c
		}
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	best := rules[0]
	if best.Row != "" && !strict && !l.noAffix {
		// A row named by text the page says elsewhere (a quoted name)
		// is that text's row, not always this one.
		if lr, err := l.lookupRule(step, os); err != nil || lr != nil {
			return lr, err
		}
	}
	for _, r := range rules[1:] {
		if cost(r) != cost(best) {
			break
		}
		if !slices.Equal(common[r], common[best]) {
			if strict {
				return nil, nil // a target's constant text is no question
			}
			return nil, &Ambiguous{step, fmt.Sprintf("the value %q could be read as %s or as %s, which agreed in every demo", norm(os[0].value), r.describe(), best.describe())}
		}
	}
	return &best, nil
}

// endCost ranks the ways a rule may end a value that ends its text: in a
// sentence that is not a list of labelled values, stopping at "and" reads
// the same here and stops where other data goes on ("Username: ken36",
// "Username: sophie24 and tick …"), so reading to the end, or to a comma
// or semicolon that does not follow, costs one more. (In a list of
// labelled values the comma ends every value alike.)
func endCost(r Extract, text string) int {
	if r.After == "" || r.After == "^" || len(labelled.FindAllString(text, -1)) >= 2 {
		return 0
	}
	switch r.Before {
	case "", "$", ",", ";":
	default:
		return 0
	}
	v, ok := between(text, r.After, r.Before)
	if !ok || !strings.HasSuffix(strings.TrimRight(text, ".!?"), v) {
		return 0
	}
	return 1
}

// slug makes an input name from a label: "E-mail address" → "e_mail_address".
func slug(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
		if b.Len() >= 30 {
			break
		}
	}
	s := strings.Trim(b.String(), "_")
	if s == "" {
		return "value"
	}
	return s
}

// paramInput returns the name of the input a run parameter gives, adding
// it the first time.
func (l *learner) paramInput(param, label string, os []obs) string {
	for _, in := range l.prog.Inputs {
		if in.Param == param {
			return in.Name
		}
	}
	name := l.uniqueName(param)
	l.prog.Inputs = append(l.prog.Inputs, Input{Name: name, Param: name, Label: label, Examples: l.examples(name, os)})
	return name
}

// examples records each demo's value of a new input and returns them for
// people to read.
func (l *learner) examples(name string, os []obs) []string {
	var out []string
	for _, o := range os {
		if o.masked {
			continue
		}
		if _, ok := l.vals[o.demo][name]; !ok {
			l.vals[o.demo][name] = norm(o.value)
			out = append(out, norm(o.value))
		}
	}
	return out
}

// extractInput returns the name of the input a rule reads, adding it the
// first time.
func (l *learner) extractInput(rule Extract, label string, os []obs, list string) string {
	for _, in := range l.prog.Inputs {
		if in.Extract != nil && *in.Extract == rule && in.List == list {
			return in.Name
		}
	}
	base := label
	if base == "" {
		base = rule.StartsWith + rule.Follows + rule.Field + rule.Column
	}
	name := l.uniqueName(slug(base))
	r := rule
	l.prog.Inputs = append(l.prog.Inputs, Input{Name: name, Label: label, Extract: &r, List: list, Examples: l.examples(name, os)})
	return name
}

func (l *learner) uniqueName(base string) string {
	name := base
	for k := 2; slices.ContainsFunc(l.prog.Inputs, func(in Input) bool { return in.Name == name }); k++ {
		name = fmt.Sprintf("%s_%d", base, k)
	}
	return name
}

// affixed explains values as a constant prefix and suffix around a
// varying core that an item, an input or the page explains. With several
// demos the prefix and suffix are what all values share (whole words);
// with one, every way of cutting the value at spaces is tried, the
// longest core first.
func (l *learner) affixed(step int, os []obs, label string) (*Value, error) {
	if l.noAffix {
		return nil, nil
	}
	l.noAffix = true
	defer func() { l.noAffix = false }()
	type cut struct{ prefix, suffix string }
	var cuts []cut
	if len(os) > 1 {
		p, s := norm(os[0].value), norm(os[0].value)
		for _, o := range os[1:] {
			p = commonPrefix(p, norm(o.value))
			s = commonSuffix(s, norm(o.value))
		}
		if i := strings.LastIndex(p, " "); i >= 0 {
			p = p[:i+1]
		} else {
			p = ""
		}
		if i := strings.Index(s, " "); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
		if p != "" || s != "" {
			cuts = append(cuts, cut{p, s})
		}
	} else {
		words := strings.Split(norm(os[0].value), " ")
		for n := len(words) - 1; n >= 1; n-- {
			for i := 0; i+n <= len(words); i++ {
				p := strings.Join(words[:i], " ")
				if p != "" {
					p += " "
				}
				s := strings.Join(words[i+n:], " ")
				if s != "" {
					s = " " + s
				}
				cuts = append(cuts, cut{p, s})
			}
		}
	}
	for _, c := range cuts {
		cores := make([]obs, len(os))
		ok := true
		for i, o := range os {
			v := norm(o.value)
			if len(v) <= len(c.prefix)+len(c.suffix) || !strings.HasPrefix(v, c.prefix) || !strings.HasSuffix(v, c.suffix) {
				ok = false
				break
			}
			o.value = v[len(c.prefix) : len(v)-len(c.suffix)]
			o.param = ""
			cores[i] = o
		}
		if !ok {
			continue
		}
		v, err := l.explainValue(step, cores, label, true)
		if err != nil {
			return nil, err
		}
		if v != nil && v.Const == nil {
			v.Prefix, v.Suffix = c.prefix, c.suffix
			return v, nil
		}
	}
	return nil, nil
}

func commonPrefix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[:i]
}

func commonSuffix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return a[len(a)-i:]
}

// lookupRule finds a value as the cell of a table row that another value
// names: "the Email of the person the instruction quotes". The cell must
// be in the same column in every demo, and the row's cell in another
// column must be explained as an input.
func (l *learner) lookupRule(step int, os []obs) (*Extract, error) {
	type pair struct{ column, key string }
	var common map[pair][]string // the key cell's text, per demo
	for i, o := range os {
		if len(o.pages) == 0 {
			return nil, nil
		}
		page := o.pages[0]
		got := map[pair][]string{}
		for _, n := range page.Nodes {
			if n.Role != "cell" && n.Role != "gridcell" || n.Place == nil || norm(n.Text) != norm(o.value) {
				continue
			}
			col := norm(n.Place.ColumnHeader)
			for _, k := range rowColumns(page, &n) {
				if v, ok := cellOf(page, &n, k); ok && v != "" && k != col {
					got[pair{col, k}] = []string{v}
				}
			}
		}
		if i == 0 {
			common = got
			continue
		}
		for p := range common {
			if v, ok := got[p]; ok {
				common[p] = append(common[p], v...)
			} else {
				delete(common, p)
			}
		}
	}
	pairs := make([]pair, 0, len(common))
	for p := range common {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.column+"\x00"+a.key, b.column+"\x00"+b.key) })
	for _, p := range pairs {
		keys := make([]obs, len(os))
		for i, o := range os {
			o.value, o.param, o.self = common[p][i], "", -1
			keys[i] = o
		}
		l.noAffix = true
		v, err := l.explainValue(step, keys, p.key, true)
		l.noAffix = false
		if err != nil {
			return nil, err
		}
		if v == nil || v.Input == "" || v.Transform != "" || v.Prefix != "" || v.Suffix != "" {
			continue
		}
		rule := &Extract{Column: p.column, KeyColumn: p.key, KeyInput: v.Input}
		ok := true
		for _, o := range os {
			if got, err := rule.EvalIn(o.pages[0], l.vals[o.demo]); err != nil || got != norm(o.value) {
				ok = false
			}
		}
		if ok {
			return rule, nil
		}
	}
	return nil, nil
}

// dataWords returns the words of the values a demo typed or chose, in
// lower case: words that are data in that demo.
func dataWords(as []action) map[string]bool {
	out := map[string]bool{}
	for _, a := range as {
		if a.masked || a.kind != ActType && a.kind != ActSelect {
			continue
		}
		for _, t := range tokens(norm(a.value)) {
			if r := []rune(t.text); len(r) > 1 || unicode.IsLetter(r[0]) || unicode.IsDigit(r[0]) {
				out[strings.ToLower(t.text)] = true
			}
		}
	}
	return out
}

// dataAnchor is the extra cost of a rule whose anchor words (StartsWith,
// After, Before, In) are words of values the demos typed elsewhere: such
// a word is another value, which changes with the data ("for Aoife Berg."
// read as the words between "for" and "Berg"), so a rule anchored on the
// instruction's fixed words is preferred even when it needs more steps.
func (l *learner) dataAnchor(r Extract, os []obs) int {
	anchors := strings.Join([]string{r.StartsWith, r.After, r.Before, r.In}, " ")
	for _, o := range os {
		if o.demo >= len(l.data) {
			continue
		}
		own := map[string]bool{}
		for _, t := range tokens(norm(o.value)) {
			own[strings.ToLower(t.text)] = true
		}
		// Values read from the page so far are data too ("Reject", read
		// as the instruction's verb).
		read := map[string]bool{}
		for _, v := range l.vals[o.demo] {
			for _, t := range tokens(v) {
				read[strings.ToLower(t.text)] = true
			}
		}
		for _, t := range tokens(anchors) {
			if w := strings.ToLower(t.text); (l.data[o.demo][w] || read[w]) && !own[w] {
				return 8
			}
		}
	}
	return 0
}

// candidates is candidates(o, want), remembered for the run of Learn: a
// value is explained for a target's name, label and text and on every step
// that shows the same page.
func (l *learner) candidates(o recording.Outline, want string) []candidate {
	if len(o.Nodes) == 0 {
		return nil
	}
	k := candKey{&o.Nodes[0], len(o.Nodes), want}
	if c, ok := l.cands[k]; ok {
		return c
	}
	if l.cands == nil {
		l.cands = map[candKey][]candidate{}
	}
	c := candidates(o, want)
	l.cands[k] = c
	return c
}

// candKey names an outline by its nodes (the steps of a demo on one page
// share them) and the value looked for.
type candKey struct {
	nodes *recording.Node
	n     int
	want  string
}
