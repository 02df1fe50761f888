package recording

import (
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics on outside input, and that what
// it accepts MarshalJSON writes back so that Parse reads the same
// recording again.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"chrome_search.json", "chrome_all_steps.json", "chrome_unknown_fields.json", "allmende_city.json", "allmende_outline.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`{"title":"t","steps":[{"type":"scroll","x":-0,"frame":[]}],"allmende":{"version":1,"events":[{"kind":"scroll","t":0,"path":[]}]}}`))
	f.Add([]byte(`{"title":"t","steps":[{"type":"waitForElement","selectors":[["a","b"]],"count":0,"visible":false,"attributes":{},"properties":{"a":[1,{"b":null}]}}]}`))
	f.Add([]byte(`{"title":"<&>","steps":[{"type":"customStep","name":"x","parameters":null,"z":"\u2028"}]}`))
	f.Add([]byte(`{"title":"t","steps":[{"type":"navigate","url":"u"}],"allmende":{"version":1,"viewport":{"width":1,"height":1},"targets":[{"step":0,"ref":-1,"parent":-1,"tag":"a","checked":false,"frame":[0],"attributes":{},"place":{"container":-1,"index":0,"of":0,"row":-1,"column":-1,"row_key":""}}],"outlines":[{"before":1,"url":"","nodes":[{"ref":0,"parent":-1,"tag":"td","frame":[],"shadow":true,"masked":true}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if _, ok := err.(*Errors); !ok {
				t.Fatalf("Parse returned %T, want *Errors", err)
			}
			return
		}
		out, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(r, again) {
			t.Fatalf("round trip changed the recording:\n%#v\n%#v\n%s", r, again, out)
		}
		if _, err := r.Export(); err != nil {
			t.Fatalf("Export: %v", err)
		}
	})
}

// FuzzOutlines aims the fuzzer at the outline and target parser (and the
// schema check): the input is the "targets" and "outlines" members of an
// otherwise fixed recording. Whatever Parse accepts, MarshalJSON writes
// back so that Parse reads the same targets and outlines again.
func FuzzOutlines(f *testing.F) {
	r, err := Parse(readTestdata(f, "allmende_outline.json"))
	if err != nil {
		f.Fatal(err)
	}
	var w writer
	w.open('{')
	w.key("targets")
	w.open('[')
	for _, t := range r.Allmende.Targets {
		w.sep()
		w.open('{')
		w.field("step", t.Step)
		w.nodeFields(t.Node)
		w.close('}')
	}
	w.close(']')
	w.key("outlines")
	w.open('[')
	for _, o := range r.Allmende.Outlines {
		w.sep()
		w.outline(o)
	}
	w.close(']')
	w.close('}')
	seed, _ := w.finish()
	f.Add(seed[1 : len(seed)-1])
	f.Add([]byte(`"targets":[{"step":0,"ref":-1,"parent":-1,"tag":"a"}]`))
	f.Add([]byte(`"outlines":[{"before":0,"url":"","nodes":[{"ref":0,"parent":-1,"tag":"x","place":{"container":0,"index":0,"of":1,"row":-1,"column":-1}}]}]`))
	const head = `{"title":"t","steps":[{"type":"navigate","url":"https://a.example/"},{"type":"click","selectors":["#b"],"offsetX":1,"offsetY":1},{"type":"change","selectors":["#c"],"value":""}],"allmende":{"version":1,"masked":[2],`
	f.Fuzz(func(t *testing.T, members []byte) {
		data := append(append([]byte(head), members...), "}}"...)
		r, err := Parse(data)
		if err != nil {
			return
		}
		out, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(r.Allmende.Targets, again.Allmende.Targets) || !reflect.DeepEqual(r.Allmende.Outlines, again.Allmende.Outlines) {
			t.Fatalf("round trip changed the targets or outlines:\n%s", out)
		}
	})
}
