package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/privacy"
)

// Redacted is the answer of "redact": the text with every finding
// replaced, and the types replaced, in order. Used where no member
// corrects the result: the datanet's own fields, JSON Lines files, the
// extension's kept values and outlines.
type Redacted struct {
	Text  string         `json:"text"`
	Types []privacy.Type `json:"types"`
}

// handle is the WebAssembly module's one entry point, taking the
// arguments of a JavaScript call as strings and answering JSON text: the
// result, or {"error": "…"} naming what was wrong. It is plain Go so that
// it can be tested and fuzzed without a browser.
//
//	preview(text, decisions) → Preview; decisions is JSON of Decisions or ""
//	redact(text)             → Redacted
func handle(op string, args []string) string {
	v, err := dispatch(op, args)
	if err != nil {
		return errorJSON(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return errorJSON(err)
	}
	return string(b)
}

func errorJSON(err error) string {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(b)
}

func dispatch(op string, args []string) (any, error) {
	want := map[string]int{"preview": 2, "redact": 1}
	n, ok := want[op]
	if !ok {
		return nil, fmt.Errorf("no function %q; the module has preview and redact", op)
	}
	if len(args) != n {
		return nil, fmt.Errorf("%s takes %d string arguments, got %d", op, n, len(args))
	}
	switch op {
	case "preview":
		var d Decisions
		if strings.TrimSpace(args[1]) != "" {
			dec := json.NewDecoder(strings.NewReader(args[1]))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil {
				return nil, fmt.Errorf("decisions: not JSON of {keep, hide}: %v", err)
			}
		}
		return preview(args[0], d)
	default:
		text, found := privacy.Redact(validUTF8(args[0]), privacy.DefaultMinScore)
		r := Redacted{Text: text, Types: []privacy.Type{}}
		for _, f := range found {
			r.Types = append(r.Types, f.Type)
		}
		return r, nil
	}
}
