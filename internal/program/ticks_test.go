package program

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/recording"
)

// signInPage is a sign-in form whose instruction gives the username and,
// on some instances, asks to tick "Keep me signed in".
func signInPage(user string, keep bool) (*page, map[string]int) {
	p := newPage(site)
	p.add(recording.Node{Tag: "h1", Role: "heading", Name: "Sign in", Text: "Sign in"})
	ins := "Sign in with the password you were given. Username: " + user
	if keep {
		ins += " and tick “Keep me signed in”."
	}
	p.text(ins)
	r := map[string]int{}
	r["user"] = p.field("Username", "")
	r["pass"] = p.add(recording.Node{Tag: "input", Role: "textbox", Name: "Password", Label: "Password", Interactive: true, Sensitive: true, Masked: true})
	r["keep"] = p.checkbox("Keep me signed in")
	r["news"] = p.checkbox("Send me news")
	r["go"] = p.button("Sign in")
	return p, r
}

// From one demo that did not tick "Keep me signed in" (its instruction
// did not ask), a run ticks it when its instruction says “tick “Keep me
// signed in””, and ticks nothing when it does not; a box the instruction
// does not name ("Send me news") is never ticked.
func TestLearnTicksWhatTheInstructionNames(t *testing.T) {
	p, r := signInPage("niklaus9", false)
	d := newDemo(p).typ(r["user"], "niklaus9").param("password", "x").typ(r["pass"], "{{password}}").click(r["go"])
	prog := learn(t, d)
	if !strings.Contains(prog.Describe(), `the instruction names after "tick"`) {
		t.Errorf("the program does not say it ticks the boxes the instruction names:\n%s", prog.Describe())
	}
	params := map[string]string{"password": "secret"}
	for _, keep := range []bool{true, false} {
		fresh, f := signInPage("sophie24", keep)
		want := []string{"type " + itoa(f["user"]) + " sophie24", "type " + itoa(f["pass"]) + " secret"}
		if keep {
			want = append(want, "check "+itoa(f["keep"]))
		}
		want = append(want, "click "+itoa(f["go"]))
		wantPlan(t, prog, fresh.outline(0), params, want...)
	}
	// A demo whose instruction asked to tick the box and that did not
	// tick it teaches nothing of the kind.
	p2, r2 := signInPage("ken36", true)
	d2 := newDemo(p2).typ(r2["user"], "ken36").param("password", "x").typ(r2["pass"], "{{password}}").click(r2["go"])
	if prog := learn(t, d2); strings.Contains(prog.Describe(), `"tick"`) {
		t.Errorf("learned to tick what the demo was asked to tick and did not:\n%s", prog.Describe())
	}
}

// An input that may be empty is empty only where the instruction is on
// the page and does not say it; with no instruction the run waits (an
// error), and a rule that finds several texts still fails.
func TestFillEmptyOnlyWithTheInstruction(t *testing.T) {
	prog := Program{Demos: 1, Inputs: []Input{{Name: "ticks", Extract: &Extract{After: "tick", In: "Sign", Quote: -1}, List: "\n", Empty: true}}}
	for _, c := range []struct {
		texts []string
		want  string
		err   bool
	}{
		{[]string{"Sign in. Username: ada"}, "", false},
		{[]string{"Sign in and tick “A” and “B”."}, "A\nB", false},
		{[]string{"Welcome back."}, "", true},
		{[]string{"Sign in and tick “A”.", "Sign up and tick “B”."}, "", true},
	} {
		p := newPage(site)
		for _, t := range c.texts {
			p.text(t)
		}
		env := Env{Inputs: map[string]string{}}
		err := prog.fill(&env, []string{"ticks"}, []recording.Outline{p.outline(0)}, 0)
		if got := env.Inputs["ticks"]; got != c.want || (err != nil) != c.err {
			t.Errorf("%q: got %q, %v; want %q, error %v", c.texts, got, err, c.want, c.err)
		}
	}
	bad := prog
	bad.Inputs = []Input{{Name: "ticks", Extract: &Extract{After: "tick"}, Empty: true}}
	bad.Steps = []Step{{Action: ActPress, Key: "Enter"}}
	bad.Version = Version
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "may be empty only") {
		t.Errorf("an empty input without an instruction checks: %v", err)
	}
}
