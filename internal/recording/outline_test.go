package recording

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// A recording the extension made (internal/recorder on a shop page) keeps
// its targets and outlines through Parse and MarshalJSON.
func TestOutlinesRoundTrip(t *testing.T) {
	data := readTestdata(t, "allmende_outline.json")
	r := mustParse(t, data)
	x := r.Allmende
	if len(x.Outlines) != 2 || len(x.Targets) == 0 {
		t.Fatalf("%d outlines, %d targets", len(x.Outlines), len(x.Targets))
	}
	var pick *Target
	for i := range x.Targets {
		if x.Targets[i].Name == "Pick" {
			pick = &x.Targets[i]
		}
	}
	if pick == nil || pick.Place == nil || pick.Place.RowKey != "Figs" || pick.Place.Row != 1 || pick.Place.Column != 2 {
		t.Fatalf("the Pick target lost its place: %+v", pick)
	}
	if got := x.Outlines[0].Nodes[pick.Ref]; got.Name != "Pick" || got.Place.RowKey != "Figs" {
		t.Errorf("the target's ref names %+v", got)
	}
	if x.Outlines[1].Before != len(r.Steps) || x.Outlines[1].Nodes[0].Text != "Ordered figs" {
		t.Errorf("second outline %+v", x.Outlines[1])
	}
	out, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// Selectors come back in the Recorder's array form; the allmende
	// object comes back as it was.
	var in, back struct{ Allmende json.RawMessage }
	if json.Unmarshal(data, &in) != nil || json.Unmarshal(out, &back) != nil {
		t.Fatal("not JSON")
	}
	if !sameJSON(t, in.Allmende, back.Allmende) {
		t.Errorf("MarshalJSON changed the allmende object:\n%s", back.Allmende)
	}
	if again := mustParse(t, out); !reflect.DeepEqual(r, again) {
		t.Error("Parse(MarshalJSON) differs")
	}
}

// Each broken target or outline is reported at its path, so a person (or
// the review page, which marks the field) finds it.
func TestOutlineErrorsNameThePath(t *testing.T) {
	const steps = `"steps":[{"type":"navigate","url":"https://a.example/"},{"type":"click","selectors":["#b"],"offsetX":1,"offsetY":1},{"type":"change","selectors":["#c"],"value":""}]`
	node := func(extra string) string { return `{"ref":0,"parent":-1,"tag":"p"` + extra + `}` }
	cases := []struct {
		name, allmende, field, message string
	}{
		{"target step out of range", `"targets":[{"step":3,"ref":-1,"parent":-1,"tag":"a"}]`, "allmende.targets[0].step", "not the index of a step"},
		{"targets out of order", `"targets":[{"step":2,"ref":-1,"parent":-1,"tag":"a"},{"step":1,"ref":-1,"parent":-1,"tag":"a"}]`, "allmende.targets[1].step", "in step order"},
		{"target's parent out of range", `"targets":[{"step":1,"ref":0,"parent":-2,"tag":"a"}]`, "allmende.targets[0].parent", "-1"},
		{"masked step's value", `"masked":[2],"targets":[{"step":2,"ref":-1,"parent":-1,"tag":"input","value":"Ada"}]`, "allmende.targets[0].value", "masked"},
		{"unknown node field", `"outlines":[{"before":0,"url":"https://a.example/","nodes":[` + node(`,"colour":"red"`) + `]}]`, "allmende.outlines[0].nodes[0].colour", "unknown field"},
		{"ref is not the index", `"outlines":[{"before":0,"url":"u","nodes":[` + node("") + `,{"ref":5,"parent":0,"tag":"p"}]}]`, "allmende.outlines[0].nodes[1].ref", "its index"},
		{"parent after the node", `"outlines":[{"before":0,"url":"u","nodes":[{"ref":0,"parent":0,"tag":"p"}]}]`, "allmende.outlines[0].nodes[0].parent", "earlier node"},
		{"sensitive value", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"sensitive":true,"masked":true,"value":"4711"`) + `]}]`, "allmende.outlines[0].nodes[0].value", "must not be sent"},
		{"sensitive unmasked", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"sensitive":true`) + `]}]`, "allmende.outlines[0].nodes[0].masked", "always masked"},
		{"text too long", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"text":"`+strings.Repeat("é", MaxNodeText+1)+`"`) + `]}]`, "allmende.outlines[0].nodes[0].text", "at most 200"},
		{"place out of its list", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"place":{"container":-1,"index":3,"of":3,"row":-1,"column":-1}`) + `]}]`, "allmende.outlines[0].nodes[0].place.index", "not a place"},
		{"container not in the outline", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"place":{"container":4,"index":0,"of":1,"row":-1,"column":-1}`) + `]}]`, "allmende.outlines[0].nodes[0].place.container", "not a node"},
		{"outlines out of order", `"outlines":[{"before":2,"url":"u","nodes":[]},{"before":0,"url":"u","nodes":[]}]`, "allmende.outlines[1].before", "step order"},
		{"outline without nodes", `"outlines":[{"before":0,"url":"u"}]`, "allmende.outlines[0].nodes", "missing"},
		{"attributes not strings", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"attributes":{"id":3}`) + `]}]`, "allmende.outlines[0].nodes[0].attributes", "strings"},
		{"card number kept", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"value":"4111 1111 1111 1111"`) + `]}]`, "allmende.outlines[0].nodes[0].value", "payment card"},
		{"IBAN in a target", `"targets":[{"step":1,"ref":-1,"parent":-1,"tag":"input","value":"DE89 3704 0044 0532 0130 00"}]`, "allmende.targets[0].value", "IBAN"},
		{"checked not a boolean", `"outlines":[{"before":0,"url":"u","nodes":[` + node(`,"checked":"yes"`) + `]}]`, "allmende.outlines[0].nodes[0].checked", "true or false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := `{"title":"t",` + steps + `,"allmende":{"version":1,"viewport":{"width":800,"height":600},` + c.allmende + `}}`
			_, err := Parse([]byte(doc))
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse = %v, want *Errors", err)
			}
			for _, e := range errs.List {
				if e.Field == c.field && strings.Contains(e.Message, c.message) {
					return
				}
			}
			t.Fatalf("no error at %s saying %q:\n%v", c.field, c.message, err)
		})
	}
}
