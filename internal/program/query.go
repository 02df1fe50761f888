package program

import (
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/recording"
)

// Env holds what values refer to during a run: the inputs read so far and
// the current loop item.
type Env struct {
	Inputs  map[string]string
	Item    string
	HasItem bool
}

// Resolve returns the value's text in env.
func (v Value) Resolve(env Env) (string, error) {
	var s string
	switch {
	case v.Const != nil:
		s = *v.Const
	case v.Item:
		if !env.HasItem {
			return "", fmt.Errorf("the loop item is used outside a loop")
		}
		s = env.Item
	case v.Input != "":
		got, ok := env.Inputs[v.Input]
		if !ok {
			return "", fmt.Errorf("the input %q has no value yet", v.Input)
		}
		s = got
	default:
		return "", fmt.Errorf("the value is empty (it needs const, input or item)")
	}
	s, err := ApplyTransform(v.Transform, s)
	if err != nil {
		return "", err
	}
	return v.Prefix + s + v.Suffix, nil
}

// Match returns the refs of the nodes of o that q finds, in document
// order. A value that cannot be resolved in env matches nothing.
func (q Query) Match(o recording.Outline, env Env) []int {
	type cmp struct {
		v   *Value
		get func(recording.Node) string
	}
	var cmps []struct {
		want string
		get  func(recording.Node) string
	}
	for _, c := range []cmp{
		{q.Name, func(n recording.Node) string { return n.Name }},
		{q.Text, func(n recording.Node) string { return n.Text }},
		{q.Label, func(n recording.Node) string { return n.Label }},
		{q.AttrValue, func(n recording.Node) string { return n.Attributes[q.Attr] }},
		{q.Row, func(n recording.Node) string {
			if n.Place == nil || n.Place.Row < 0 {
				return "\x00"
			}
			return n.Place.RowKey
		}},
	} {
		if c.v == nil {
			continue
		}
		want, err := c.v.Resolve(env)
		if err != nil {
			return nil
		}
		cmps = append(cmps, struct {
			want string
			get  func(recording.Node) string
		}{norm(want), c.get})
	}
	var where string
	var cells map[rowKey]string
	if q.Where != nil {
		if q.Where.Value == nil {
			return nil
		}
		w, err := q.Where.Value.Resolve(env)
		if err != nil {
			return nil
		}
		where, cells = norm(w), rowCells(o, norm(q.Where.Column))
	}
	var refs []int
nodes:
	for i, n := range o.Nodes {
		if q.Role != "" && n.Role != q.Role || q.Tag != "" && n.Tag != q.Tag {
			continue
		}
		if q.Landmark != "" && norm(n.Landmark) != q.Landmark || q.Heading != "" && norm(n.Heading) != q.Heading {
			continue
		}
		if q.Column != "" && (n.Place == nil || norm(n.Place.ColumnHeader) != q.Column) {
			continue
		}
		for _, c := range cmps {
			if norm(c.get(n)) != c.want {
				continue nodes
			}
		}
		if q.Where != nil {
			if n.Place == nil || n.Place.Row < 0 {
				continue
			}
			t, ok := cells[rowKey{n.Place.Container, n.Place.Row}]
			if !ok || t != where && !(q.Where.Starts && where != "" && strings.HasPrefix(t, where+" ")) {
				continue
			}
		}
		refs = append(refs, i)
	}
	if q.Of > 0 && len(refs) > 1 {
		// A tie: keep the nodes in a list of Of items, if any are.
		var in []int
		for _, r := range refs {
			if p := o.Nodes[r].Place; p != nil && p.Of == q.Of {
				in = append(in, r)
			}
		}
		if len(in) > 0 {
			refs = in
		}
	}
	if q.Nth > 0 {
		if q.Nth > len(refs) {
			return nil
		}
		return refs[q.Nth-1 : q.Nth]
	}
	return refs
}

// rowKey names a table row: its table's ref and its index.
type rowKey struct{ table, row int }

// rowCells returns, for each table row, the text of its cell in the
// column whose header is column.
func rowCells(o recording.Outline, column string) map[rowKey]string {
	out := map[rowKey]string{}
	for _, n := range o.Nodes {
		p := n.Place
		if p == nil || p.Row < 0 || norm(p.ColumnHeader) != column || n.Role != "cell" && n.Role != "gridcell" && n.Role != "rowheader" {
			continue
		}
		out[rowKey{p.Container, p.Row}] = norm(n.Text)
	}
	return out
}
