package program

import (
	"fmt"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// stepperPage is a count between "Fewer" and "More" buttons, and an
// instruction that gives the number to reach.
func stepperPage(what string, count, want int) (*page, map[string]int) {
	p := newPage(site)
	p.text(fmt.Sprintf("Change the number of %s to %d.", what, want))
	box := p.add(recording.Node{Tag: "div"})
	r := map[string]int{}
	r["Fewer"] = p.add(recording.Node{Tag: "button", Role: "button", Name: "Fewer", Text: "−", Interactive: true, Parent: box})
	r["count"] = p.add(recording.Node{Tag: "output", Role: "status", Text: fmt.Sprint(count), Parent: box, Attributes: map[string]string{"id": "n"}})
	r["More"] = p.add(recording.Node{Tag: "button", Role: "button", Name: "More", Text: "+", Interactive: true, Parent: box})
	p.text("Tip: two rooms sleep 2.")
	r["Save"] = p.button("Update booking")
	return p, r
}

// A click repeated until a count beside it reads the number the
// instruction gives: the run clicks until the page shows that number,
// not a fixed number of times, and not until the next step's target
// (which is always there).
func TestLearnRepeatUntilCountReads(t *testing.T) {
	mk := func(what string, count, want int) *demo {
		p, r := stepperPage(what, count, want)
		d := newDemo(p)
		for range want - count {
			d.click(r["More"])
		}
		return d.click(r["Save"])
	}
	for _, demos := range [][]*demo{
		{mk("guests", 3, 6)},
		{mk("guests", 3, 6), mk("rooms", 2, 8), mk("bikes", 1, 2)},
	} {
		p := learn(t, demos...)
		s := p.Steps[0]
		if len(p.Steps) != 2 || !s.Repeat || s.Until == nil || s.Until.Text == nil || s.Until.Text.Input == "" {
			t.Fatalf("want a click repeated until the count reads the input:\n%s", p.Describe())
		}
		in, _ := p.Input(s.Until.Text.Input)
		if in.Extract == nil {
			t.Fatalf("the number to reach is %+v, want it read from the page", in)
		}
		// A fresh instance: the count reads 1 and must reach 5.
		for count, want := range map[int]int{1: 0, 5: 1} {
			fresh, _ := stepperPage("tickets", count, 5)
			env, err := p.Bind(nil)
			if err != nil {
				t.Fatal(err)
			}
			stop := StopAt(s, p.Steps[1])
			if err := p.Fill(&env, stop, []recording.Outline{fresh.outline(0)}); err != nil {
				t.Fatalf("reading what to stop at: %v\n%s", err, p.Describe())
			}
			if got := len(UntilTarget(stop).Match(fresh.outline(0), env)); got != want {
				t.Errorf("with the count at %d, %d nodes are what the run stops at, want %d\n%s", count, got, want, p.Describe())
			}
		}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
	}
}

// Inputs read from the page that no step uses are dropped; a run
// parameter stays (a run may give it), and so does an input another
// input's reading looks up.
func TestUsedInputs(t *testing.T) {
	p := Program{
		Inputs: []Input{
			{Name: "email", Extract: &Extract{Column: "Email", KeyColumn: "Name", KeyInput: "who"}},
			{Name: "tried", Extract: &Extract{StartsWith: "Off"}},
			{Name: "token", Param: "token"},
			{Name: "who", Extract: &Extract{Quote: 1, StartsWith: "Write to"}},
			{Name: "count", Extract: &Extract{After: "to", Before: "."}},
		},
		Steps: []Step{
			{Action: ActType, Target: &Query{Role: "textbox"}, Value: &Value{Input: "email"}},
			{Action: ActClick, Target: &Query{Name: Const("+")}, Repeat: true, Until: &Query{Role: "status", Text: &Value{Input: "count"}}},
		},
	}
	var got []string
	for _, in := range usedInputs(p) {
		got = append(got, in.Name)
	}
	if want := "email token who count"; strings.Join(got, " ") != want {
		t.Errorf("kept %v, want %s", got, want)
	}
}

// Demos that all counted up ("+") still teach a run to count down when
// its count starts above the number: the control beside the count that
// counts the other way ("−") is learned as the step's opposite, and a run
// whose count is past the number clicks it instead.
func TestLearnCountsTheWayThePageNeeds(t *testing.T) {
	mk := func(what string, count, want int) *demo {
		p, r := stepperPage(what, count, want)
		d := newDemo(p)
		for range want - count {
			d.click(r["More"])
		}
		return d.click(r["Save"])
	}
	for _, demos := range [][]*demo{
		{mk("guests", 3, 6)},
		{mk("guests", 3, 6), mk("rooms", 2, 8), mk("bikes", 1, 2)},
	} {
		p := learn(t, demos...)
		s := p.Steps[0]
		if s.Opposite == nil || s.Counts != "up" {
			t.Fatalf("want the step to know the control that counts down:\n%s", p.Describe())
		}
		if !strings.Contains(p.Describe(), `the button named "Fewer" when the count reads more`) {
			t.Errorf("the program does not say when it counts down:\n%s", p.Describe())
		}
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			count, want int
			click       string
		}{{7, 2, "Fewer"}, {1, 5, "More"}, {9, 0, "Fewer"}} {
			fresh, refs := stepperPage("tickets", c.count, c.want)
			o := fresh.outline(0)
			env, err := p.Bind(nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Fill(&env, StopAt(s, p.Steps[1]), []recording.Outline{o}); err != nil {
				t.Fatal(err)
			}
			got := s.Way(o, env).Target.Match(o, env)
			if len(got) != 1 || got[0] != refs[c.click] {
				t.Errorf("count %d, to reach %d: the run clicks %v, want %s (node %d)", c.count, c.want, got, c.click, refs[c.click])
			}
		}
	}
}

// With no control beside the count that could count the other way, the
// step counts only the demos' way: nothing else is clicked.
func TestLearnCountsOnlyOneWayWithoutOpposite(t *testing.T) {
	p := newPage(site)
	p.text("Change the number of guests to 6.")
	box := p.add(recording.Node{Tag: "div"})
	n := p.add(recording.Node{Tag: "output", Role: "status", Text: "3", Parent: box, Attributes: map[string]string{"id": "n"}})
	more := p.add(recording.Node{Tag: "button", Role: "button", Name: "More", Text: "+", Interactive: true, Parent: box})
	save := p.button("Update booking")
	d := newDemo(p)
	for range 3 {
		d.click(more)
	}
	prog := learn(t, d.click(save))
	s := prog.Steps[0]
	if s.Until == nil || s.Opposite != nil || s.Counts != "" {
		t.Fatalf("want a count step without an opposite:\n%s", prog.Describe())
	}
	_ = n
}
