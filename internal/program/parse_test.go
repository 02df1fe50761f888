package program

import (
	"strings"
	"testing"
)

// A learned program survives being written and read back, and reads the
// same on a fresh instance.
func TestParseRoundTrip(t *testing.T) {
	p := learn(t, signInDemo("alice", "tide tables"), signInDemo("bob", "night ferries"))
	data, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, data)
	}
	if back.Describe() != p.Describe() {
		t.Errorf("after a round trip:\n%s\nwant\n%s", back.Describe(), p.Describe())
	}
}

// Every problem is reported with the step or input it is in.
func TestParseErrors(t *testing.T) {
	cases := []struct{ json, want string }{
		{`{"version":2,"steps":[{"action":"press","key":"Enter"}]}`, "version: is 2"},
		{`{"version":1,"steps":[]}`, "no steps"},
		{`{"version":1,"steps":[{"action":"jump"}]}`, `step 1: unknown action "jump"`},
		{`{"version":1,"steps":[{"action":"press","key":"Enter"},{"action":"click"}]}`, "step 2: click needs a target"},
		{`{"version":1,"steps":[{"action":"type","target":{"role":"textbox"},"value":{"input":"who"}}]}`, `step 1: the value names the input "who"`},
		{`{"version":1,"steps":[{"action":"click","target":{"name":{"item":true}}}]}`, "loop item outside a loop"},
		{`{"version":1,"inputs":[{"name":"xs","list":", ","extract":{"starts_with":"A:"}}],"steps":[{"action":"forEach","over":{"input":"xs"},"body":[{"action":"click","target":{"role":"checkbox"},"value":{"const":"x","input":"xs"}}]}]}`, "step 1.1: the value needs exactly one"},
		{`{"version":1,"inputs":[{"name":"Bad name","param":"b"}],"steps":[{"action":"press","key":"a"}]}`, "input 1: the name"},
		{`{"version":1,"inputs":[{"name":"a","extract":{"starts_with":"A:","follows":"B"}}],"steps":[{"action":"press","key":"a"}]}`, "names 2 nodes"},
		{`{"version":1,"inputs":[{"name":"a","extract":{"starts_with":"A:","transform":"date:iso>moon"}}],"steps":[{"action":"press","key":"a"}]}`, "unknown date transform"},
		{`{"version":1,"steps":[{"action":"click","target":{}}]}`, "matches any element"},
		{`{"version":1,"steps":[{"action":"click","target":{"role":"button"}}],"extra":1}`, "unknown field"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n  got %v, want %q", c.json, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	p := learn(&testing.T{}, signInDemo("alice", "tide tables"), signInDemo("bob", "night ferries"))
	data, _ := p.Marshal()
	f.Add(data)
	f.Add([]byte(`{"version":1,"inputs":[{"name":"xs","list":", ","extract":{"starts_with":"A:"}}],"steps":[{"action":"forEach","over":{"input":"xs"},"body":[{"action":"check","target":{"role":"checkbox","label":{"item":true,"transform":"title"}}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		// A program that parses describes itself, writes back to a
		// program that parses, and can be bound and matched without
		// panicking.
		_ = p.Describe()
		out, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("a parsed program does not parse after Marshal: %v\n%s", err, out)
		}
		env, _ := p.Bind(nil)
		o := newPage(site)
		o.text("A: x, y")
		o.button("x")
		for _, s := range p.Steps {
			if env.Inputs != nil {
				_ = p.Fill(&env, s, nil)
			}
			if s.Target != nil {
				s.Target.Match(o.outline(0), env)
			}
		}
		for _, in := range p.Inputs {
			if in.Extract != nil {
				_, _ = in.Extract.Eval(o.outline(0))
			}
		}
	})
}
