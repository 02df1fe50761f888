package program

import (
	"fmt"
	"slices"

	"github.com/allmende/allmende/internal/recording"
)

// stableAttrs are the attributes a target query may use, when constant.
var stableAttrs = []string{"data-testid", "id", "name", "aria-label", "placeholder", "title"}

// target generalises the demos' targets of one step into the simplest query
// that finds exactly that element in every demo's outline: role plus name,
// label or text (a constant, an input or the loop item), then with the
// row, landmark or heading added, then a stable attribute, then the nth
// match.
func (l *learner) target(step int, as []action, items []string) (*Query, error) {
	t0 := as[0].target
	base := Query{Role: t0.Role}
	if base.Role == "" {
		base.Tag = t0.Tag
	}
	for _, a := range as[1:] {
		if a.target.Role != t0.Role || base.Role == "" && a.target.Tag != t0.Tag {
			return nil, &StepError{step, fmt.Sprintf("demo %d acts on %s, demo %d on %s: the demos contradict each other", as[0].demo+1, what(t0), a.demo+1, what(a.target))}
		}
	}
	if err := l.contradicts(step, as, items); err != nil {
		return nil, err
	}
	// Each demo's outline, with the target in it.
	pages := make([]recording.Outline, len(as))
	refs := make([]int, len(as))
	envs := make([]Env, len(as))
	for i, a := range as {
		pages[i], refs[i] = withTarget(a.outline, *a.target)
		envs[i] = Env{Inputs: l.vals[a.demo]}
		if items != nil {
			envs[i].Item, envs[i].HasItem = items[i], true
		}
	}
	unique := func(q Query) bool {
		for i := range as {
			envs[i].Inputs = l.vals[as[i].demo]
			if got := q.Match(pages[i], envs[i]); len(got) != 1 || got[0] != refs[i] {
				return false
			}
		}
		return true
	}
	field := func(get func(recording.Node) string) (*Value, error) {
		os := l.observe(as, items, func(a action) string { return get(*a.target) })
		for i := range os {
			os[i].self = refs[i]
		}
		return l.explainValue(step, os, "", true)
	}
	var fields []Query
	for _, f := range []struct {
		get func(recording.Node) string
		set func(*Query, *Value)
	}{
		{func(n recording.Node) string { return n.Name }, func(q *Query, v *Value) { q.Name = v }},
		{func(n recording.Node) string { return n.Label }, func(q *Query, v *Value) { q.Label = v }},
		{func(n recording.Node) string { return n.Text }, func(q *Query, v *Value) { q.Text = v }},
	} {
		v, err := field(f.get)
		if err != nil {
			return nil, err
		}
		if v != nil {
			q := base
			f.set(&q, v)
			fields = append(fields, q)
		}
	}
	// Context that may be added: the row and column, the landmark, the
	// heading — each when the demos agree on it.
	var contexts []func(Query) (Query, bool)
	if t0.Place != nil && t0.Place.Row >= 0 && all3(as, func(a action) bool { return a.target.Place != nil && a.target.Place.Row >= 0 }) {
		row, err := field(func(n recording.Node) string { return n.Place.RowKey })
		if err != nil {
			return nil, err
		}
		col := norm(t0.Place.ColumnHeader)
		sameCol := all3(as, func(a action) bool { return norm(a.target.Place.ColumnHeader) == col })
		if row != nil {
			contexts = append(contexts, func(q Query) (Query, bool) {
				q.Row = row
				if sameCol {
					q.Column = col
				}
				return q, true
			})
		}
	}
	// A cell of the target's row: "the link in the row whose From is X".
	for _, col := range rowColumns(pages[0], t0) {
		os := l.observe(as, items, func(action) string { return "" })
		ok := true
		for i, a := range as {
			v, found := cellOf(pages[i], a.target, col)
			if !found || v == "" {
				ok = false
				break
			}
			os[i].value = v
		}
		if !ok {
			continue
		}
		v, err := l.explainValue(step, os, "", true)
		if err != nil {
			return nil, err
		}
		if v != nil {
			w := &Where{Column: col, Value: v}
			contexts = append(contexts, func(q Query) (Query, bool) { q.Where = w; return q, true })
		}
	}
	if lm := norm(t0.Landmark); lm != "" && all3(as, func(a action) bool { return norm(a.target.Landmark) == lm }) {
		contexts = append(contexts, func(q Query) (Query, bool) { q.Landmark = lm; return q, true })
	}
	if h := norm(t0.Heading); h != "" && all3(as, func(a action) bool { return norm(a.target.Heading) == h }) {
		contexts = append(contexts, func(q Query) (Query, bool) { q.Heading = h; return q, true })
	}
	var tries []Query
	tries = append(tries, fields...)
	for _, ctx := range contexts {
		for _, q := range fields {
			if q2, ok := ctx(q); ok {
				tries = append(tries, q2)
			}
		}
	}
	for _, ctx := range contexts {
		if q2, ok := ctx(base); ok {
			tries = append(tries, q2)
		}
	}
	for _, attr := range stableAttrs {
		v := t0.Attributes[attr]
		if v != "" && all3(as, func(a action) bool { return a.target.Attributes[attr] == v }) {
			q := base
			q.Attr, q.AttrValue = attr, Const(v)
			tries = append(tries, q)
		}
	}
	// The nth of the matches, when the demos agree on n.
	nth := func(q Query) (Query, bool) {
		n := 0
		for i := range as {
			got := q.Match(pages[i], envs[i])
			k := slices.Index(got, refs[i])
			if k < 0 || n != 0 && k+1 != n {
				return q, false
			}
			n = k + 1
		}
		q.Nth = n
		return q, n > 0 && unique(q)
	}
	// From one demo, a query that names the target by inputs only (the
	// row of the sender the instruction quotes) is preferred to its
	// text: one demo cannot tell a constant from a value, and the
	// instruction is what changes with the data.
	if len(as) == 1 {
		for _, q := range tries {
			if byInputs(q) && unique(q) {
				if q.Where != nil || q.Row != nil {
					// Rows may share a key on other data (several mails
					// from one sender): the demo's is the first.
					q.Nth = 1
				}
				return tieBreak(&q, as), nil
			}
		}
		for _, q := range tries {
			if q2, ok := nth(q); byInputs(q) && ok {
				return tieBreak(&q2, as), nil
			}
		}
	}
	for _, q := range tries {
		if unique(q) {
			return tieBreak(&q, as), nil
		}
	}
	for _, q := range append(append([]Query(nil), tries...), base) {
		if q2, ok := nth(q); ok {
			return tieBreak(&q2, as), nil
		}
	}
	return nil, &Ambiguous{step, fmt.Sprintf("nothing the demos agree on picks out %s from the elements like it (its name, label, text, row, landmark, attributes and position all differ or are shared)", what(t0))}
}

func all3(as []action, f func(action) bool) bool {
	for _, a := range as {
		if !f(a) {
			return false
		}
	}
	return true
}

// withTarget returns the outline the step ran on with its target in it:
// the target's own node when the outline has it, or else the target added
// at the end (it appeared after the outline was captured).
func withTarget(o recording.Outline, t recording.Node) (recording.Outline, int) {
	if t.Ref >= 0 && t.Ref < len(o.Nodes) {
		n := o.Nodes[t.Ref]
		if n.Role == t.Role && n.Tag == t.Tag {
			return o, t.Ref
		}
	}
	// The recorder may number a node of a frame within the frame: find
	// the node that reads the same.
	same := -1
	for i, n := range o.Nodes {
		if n.Role == t.Role && n.Tag == t.Tag && n.Name == t.Name && n.Label == t.Label && n.Text == t.Text && slices.Equal(n.Frame, t.Frame) {
			if same >= 0 {
				same = -2
				break
			}
			same = i
		}
	}
	if same >= 0 {
		return o, same
	}
	o.Nodes = append(slices.Clone(o.Nodes), t)
	ref := len(o.Nodes) - 1
	o.Nodes[ref].Ref = ref
	o.Nodes[ref].Parent = -1
	return o, ref
}

// what names a node for people: button "Save".
func what(n *recording.Node) string {
	kind := n.Role
	if kind == "" {
		kind = n.Tag
	}
	name := norm(n.Name)
	if name == "" {
		name = norm(n.Text)
	}
	if name == "" {
		name = norm(n.Label)
	}
	if name == "" {
		return kind
	}
	return fmt.Sprintf("%s %q", kind, name)
}

// rowColumns lists the headers of the other columns of the node's table
// row, in order.
func rowColumns(o recording.Outline, t *recording.Node) []string {
	if t.Place == nil || t.Place.Row < 0 {
		return nil
	}
	var out []string
	for _, n := range o.Nodes {
		p := n.Place
		if p == nil || p.Container != t.Place.Container || p.Row != t.Place.Row || p.Column == t.Place.Column {
			continue
		}
		if h := norm(p.ColumnHeader); h != "" && (n.Role == "cell" || n.Role == "gridcell" || n.Role == "rowheader") && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// cellOf returns the text of the cell in column of the node's row.
func cellOf(o recording.Outline, t *recording.Node, column string) (string, bool) {
	if t.Place == nil || t.Place.Row < 0 {
		return "", false
	}
	v, ok := rowCells(o, column)[rowKey{t.Place.Container, t.Place.Row}]
	return v, ok
}

// byInputs reports whether a query compares the node only with inputs or
// the loop item, never with constant text.
func byInputs(q Query) bool {
	vs := []*Value{q.Name, q.Label, q.Text, q.AttrValue, q.Row}
	if q.Where != nil {
		vs = append(vs, q.Where.Value)
	}
	some := false
	for _, v := range vs {
		if v == nil {
			continue
		}
		if v.Const != nil {
			return false
		}
		some = true
	}
	return some
}

// tieBreak adds Of to a query whose target no demo's outline held (it
// appeared later, in a list the outline does not show): the demos could
// not check that nothing else on the page then had the same name, and the
// size of its list, when the demos agree on it, tells two such lists apart
// (an hour and a minute list, both with "10").
func tieBreak(q *Query, as []action) *Query {
	of := 0
	for _, a := range as {
		t := a.target
		if t.Ref >= 0 || t.Place == nil || t.Place.Of < 2 || of != 0 && t.Place.Of != of {
			return q
		}
		of = t.Place.Of
	}
	q.Of = of
	return q
}
