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
