package recording

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/allmende/allmende/docs"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The allmende object's JSON Schema (docs/recording.schema.json) is the
// published contract; Parse checks every recording against it as well as
// reading it field by field, so that the two cannot disagree unnoticed.

const schemaURL = "https://allmende.invalid/schemas/recording-allmende.schema.json"

var allmendeSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(docs.RecordingSchema))
	if err != nil {
		return nil, fmt.Errorf("docs/recording.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("docs/recording.schema.json: %w", err)
	}
	return c.Compile(schemaURL)
})

var schemaPrinter = message.NewPrinter(language.English)

// checkSchema validates the raw allmende object against the schema and
// adds each violation, named by its path ("allmende.outlines[0].nodes[3].place").
func checkSchema(raw []byte, errs *errorList) {
	sch, err := allmendeSchema()
	if err != nil {
		errs.add(-1, "", "allmende", "the schema does not compile: %v", err)
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		errs.add(-1, "", "allmende", "must be JSON: %v", err)
		return
	}
	verr, ok := sch.Validate(v).(*jsonschema.ValidationError)
	if !ok || verr == nil {
		return
	}
	for _, leaf := range leaves(verr, nil) {
		field := schemaPath(leaf.InstanceLocation)
		if ap, ok := leaf.ErrorKind.(*kind.AdditionalProperties); ok {
			for _, p := range ap.Properties {
				errs.add(-1, "", field+"."+p, "unknown field")
			}
			continue
		}
		if _, ok := leaf.ErrorKind.(*kind.FalseSchema); ok {
			// unevaluatedProperties: false, the only false schema in ours
			errs.add(-1, "", field, "unknown field")
			continue
		}
		errs.add(-1, "", field, "%s", leaf.ErrorKind.LocalizedString(schemaPrinter))
	}
}

// leaves returns the errors without causes: the violations themselves.
func leaves(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leaves(c, out)
	}
	return out
}

// schemaPath writes a JSON location the way Parse's errors name fields.
func schemaPath(loc []string) string {
	var b strings.Builder
	b.WriteString("allmende")
	for _, seg := range loc {
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
		} else {
			b.WriteString("." + seg)
		}
	}
	return b.String()
}
