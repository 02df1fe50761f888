package program

import (
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// page builds an outline from nodes given in document order; each node's
// Ref is set, and Parent is -1 unless set with in().
type page struct {
	url   string
	nodes []recording.Node
}

func newPage(url string) *page { return &page{url: url} }

func (p *page) add(n recording.Node) int {
	n.Ref = len(p.nodes)
	if n.Parent == 0 && n.Ref != 0 {
		n.Parent = -1
	}
	if n.Ref == 0 {
		n.Parent = -1
	}
	p.nodes = append(p.nodes, n)
	return n.Ref
}

func (p *page) text(t string) int { return p.add(recording.Node{Tag: "p", Text: t}) }

func (p *page) button(name string) int {
	return p.add(recording.Node{Tag: "button", Role: "button", Name: name, Text: name, Interactive: true})
}

func (p *page) link(name string) int {
	return p.add(recording.Node{Tag: "a", Role: "link", Name: name, Text: name, Interactive: true})
}

func (p *page) field(label, value string) int {
	return p.add(recording.Node{Tag: "input", Role: "textbox", Name: label, Label: label, Value: value, Interactive: true})
}

func (p *page) checkbox(label string) int {
	f := false
	return p.add(recording.Node{Tag: "input", Role: "checkbox", Name: label, Label: label, Interactive: true, Checked: &f})
}

// table adds a table whose rows each end with a button.
func (p *page) table(name string, header []string, rows [][]string, button string) []int {
	t := p.add(recording.Node{Tag: "table", Role: "table", Name: name})
	var buttons []int
	for r, row := range rows {
		for c, cell := range row {
			p.add(recording.Node{Tag: "td", Role: "cell", Text: cell, Parent: t,
				Place: &recording.Place{Container: t, Row: r, Column: c, ColumnHeader: header[c], RowKey: row[0]}})
		}
		buttons = append(buttons, p.add(recording.Node{Tag: "button", Role: "button", Name: button, Text: button, Interactive: true, Parent: t,
			Place: &recording.Place{Container: t, Row: r, Column: len(row), ColumnHeader: header[len(row)], RowKey: row[0]}}))
	}
	return buttons
}

func (p *page) outline(before int) recording.Outline {
	nodes := make([]recording.Node, len(p.nodes))
	copy(nodes, p.nodes)
	return recording.Outline{Before: before, URL: p.url, Nodes: nodes}
}

// demo builds a recording the way the recorder does: steps, a target for
// each step that acts on an element, and the page's outline at the start
// (and after each page change given).
type demo struct {
	rec   recording.Recording
	pages map[int]*page
	cur   *page
}

func newDemo(p *page) *demo {
	d := &demo{pages: map[int]*page{0: p}, cur: p}
	d.rec.Title = "practice"
	d.rec.Allmende = &recording.Extension{Version: 1}
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepNavigate, URL: p.url})
	return d
}

func (d *demo) target(ref int) {
	n := d.cur.nodes[ref]
	d.rec.Allmende.Targets = append(d.rec.Allmende.Targets, recording.Target{Step: len(d.rec.Steps), Node: n})
}

func (d *demo) click(ref int) *demo {
	d.target(ref)
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepClick})
	return d
}

func (d *demo) tick(ref int) *demo {
	d.target(ref)
	// The recorder describes the box as it was when clicked: unticked.
	t := false
	last := &d.rec.Allmende.Targets[len(d.rec.Allmende.Targets)-1]
	last.Checked = &t
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepClick})
	return d
}

func (d *demo) typ(ref int, value string) *demo {
	d.target(ref)
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepChange, Value: value})
	return d
}

func (d *demo) masked(ref int) *demo {
	d.typ(ref, "")
	d.rec.Allmende.Masked = append(d.rec.Allmende.Masked, len(d.rec.Steps)-1)
	return d
}

func (d *demo) press(key string) *demo {
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepKeyDown, Key: key}, recording.Step{Type: recording.StepKeyUp, Key: key})
	return d
}

// late adds a node that appears after the outline was captured (a
// dialog) and clicks it.
func (d *demo) clickLate(n recording.Node) *demo {
	n.Ref = -1
	n.Parent = -1
	d.rec.Allmende.Targets = append(d.rec.Allmende.Targets, recording.Target{Step: len(d.rec.Steps), Node: n})
	d.rec.Steps = append(d.rec.Steps, recording.Step{Type: recording.StepClick})
	return d
}

// next moves the demo to a new page (after a navigation).
func (d *demo) next(p *page) *demo {
	d.pages[len(d.rec.Steps)] = p
	d.cur = p
	return d
}

func (d *demo) param(name, value string) *demo {
	d.rec.Allmende.Parameters = append(d.rec.Allmende.Parameters, recording.Parameter{Name: name, Label: name, Default: value})
	return d
}

func (d *demo) done() recording.Recording {
	if d.rec.Allmende == nil {
		return d.rec
	}
	d.rec.Allmende.Outlines = nil
	for before, p := range d.pages {
		d.rec.Allmende.Outlines = append(d.rec.Allmende.Outlines, p.outline(before))
	}
	return d.rec
}

func learn(t *testing.T, demos ...*demo) Program {
	t.Helper()
	var recs []recording.Recording
	for _, d := range demos {
		recs = append(recs, d.done())
	}
	p, err := Learn(recs)
	if err != nil {
		t.Fatalf("Learn: %v", err)
	}
	if err := p.Check(); err != nil {
		t.Fatalf("the learned program does not check:\n%v\n%s", err, p.Describe())
	}
	return p
}

func learnErr(t *testing.T, demos ...*demo) error {
	t.Helper()
	var recs []recording.Recording
	for _, d := range demos {
		recs = append(recs, d.done())
	}
	p, err := Learn(recs)
	if err == nil {
		t.Fatalf("Learn succeeded, want an error:\n%s", p.Describe())
	}
	return err
}

// simulate runs a program on a fresh instance's single page, without a
// browser, the way internal/actor does: it reads inputs, finds each
// target, and lists what it would do ("type 3 alice", "click 7"), or fails
// with the step that could not find exactly one element.
func simulate(p Program, o recording.Outline, params map[string]string) ([]string, error) {
	env, err := p.Bind(params)
	if err != nil {
		return nil, err
	}
	var out []string
	var run func(steps []Step, prefix string) error
	run = func(steps []Step, prefix string) error {
		for i, s := range steps {
			where := fmt.Sprintf("step %s%d", prefix, i+1)
			if err := p.Fill(&env, s, []recording.Outline{o}); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			switch s.Action {
			case ActForEach:
				items, err := p.Items(s, o, env)
				if err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				for _, it := range items {
					env.Item, env.HasItem = it, true
					if err := run(s.Body, fmt.Sprintf("%s%d.", prefix, i+1)); err != nil {
						return err
					}
				}
				env.HasItem = false
				continue
			case ActPress:
				out = append(out, "press "+s.Key)
				continue
			case ActNavigate:
				out = append(out, "navigate "+s.URL)
				continue
			}
			refs := s.Target.Match(o, env)
			if len(refs) != 1 {
				if s.Optional && len(refs) == 0 {
					continue
				}
				return fmt.Errorf("%s: %d elements match %s", where, len(refs), s.Target.describe())
			}
			line := fmt.Sprintf("%s %d", s.Action, refs[0])
			if s.Value != nil {
				v, err := s.Value.Resolve(env)
				if err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				line += " " + v
			}
			out = append(out, line)
		}
		return nil
	}
	return out, run(p.Steps, "")
}

func wantPlan(t *testing.T, p Program, o recording.Outline, params map[string]string, want ...string) {
	t.Helper()
	got, err := simulate(p, o, params)
	if err != nil {
		t.Fatalf("on a fresh instance: %v\n%s", err, p.Describe())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("on a fresh instance the program does\n  %s\nwant\n  %s\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), p.Describe())
	}
}
