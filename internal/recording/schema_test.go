package recording

import (
	"strings"
	"testing"
)

func schemaErrors(t *testing.T, allmende string) []StepError {
	t.Helper()
	var errs errorList
	checkSchema([]byte(allmende), &errs)
	return errs.list
}

// The published schema accepts what the recorder makes and rejects what
// breaks its rules, naming the path.
func TestSchema(t *testing.T) {
	r := mustParse(t, readTestdata(t, "allmende_outline.json"))
	out, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	_, allmende, _ := strings.Cut(string(out), `"allmende":`)
	allmende = strings.TrimSuffix(allmende, "}")
	if errs := schemaErrors(t, allmende); len(errs) != 0 {
		t.Fatalf("the schema rejects a recorder's recording: %v", errs)
	}
	node := func(extra string) string {
		return `{"version":1,"outlines":[{"before":0,"url":"u","nodes":[{"ref":0,"parent":-1,"tag":"p"` + extra + `}]}]}`
	}
	for _, c := range []struct{ name, doc, field, message string }{
		{"unknown node field", node(`,"colour":"red"`), "allmende.outlines[0].nodes[0].colour", "unknown field"},
		{"sensitive value", node(`,"sensitive":true,"masked":true,"value":"4711"`), "allmende.outlines[0].nodes[0]", ""},
		{"masked value", node(`,"masked":true,"value":"Ada"`), "allmende.outlines[0].nodes[0]", ""},
		{"sensitive unmasked", node(`,"sensitive":true`), "allmende.outlines[0].nodes[0]", "masked"},
		{"long text", node(`,"text":"` + strings.Repeat("x", 201) + `"`), "allmende.outlines[0].nodes[0].text", "200"},
		{"place without row", node(`,"place":{"container":-1,"index":0,"of":1,"column":-1}`), "allmende.outlines[0].nodes[0].place", "row"},
		{"target's parent out of range", `{"version":1,"targets":[{"step":1,"ref":-1,"parent":-3,"tag":"a"}]}`, "allmende.targets[0].parent", ""},
		{"target without step", `{"version":1,"targets":[{"ref":-1,"parent":-1,"tag":"a"}]}`, "allmende.targets[0]", "step"},
		{"unknown member", `{"version":1,"screenshots":[]}`, "allmende.screenshots", "unknown field"},
		{"bad key class", `{"version":1,"events":[{"kind":"keydown","t":1,"key":"q"}]}`, "allmende.events[0].key", ""},
		{"too many attributes", node(`,"attributes":{` + manyAttributes(17) + `}`), "allmende.outlines[0].nodes[0].attributes", "16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := schemaErrors(t, c.doc)
			for _, e := range errs {
				if e.Field == c.field && strings.Contains(e.Message, c.message) {
					return
				}
			}
			t.Fatalf("no schema error at %s mentioning %q: %v", c.field, c.message, errs)
		})
	}
}

func manyAttributes(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `"data-a` + strings.Repeat("b", i) + `":"v"`
	}
	return strings.Join(parts, ",")
}
