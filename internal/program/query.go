package program

import (
	"fmt"

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
		refs = append(refs, i)
	}
	if q.Nth > 0 {
		if q.Nth > len(refs) {
			return nil
		}
		return refs[q.Nth-1 : q.Nth]
	}
	return refs
}
