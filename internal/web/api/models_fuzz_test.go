package api

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/problem"
)

// FuzzPredictInputs: whatever "inputs" holds, the reader answers texts
// or an invalid-input problem naming the field, never a panic; a single
// text is a list of one, and what it reads is what the JSON said.
func FuzzPredictInputs(f *testing.F) {
	for _, s := range []string{`"a text"`, `["a","b"]`, `[]`, `""`, `{"text":"x"}`, `1`, `null`, `["a",1]`, ` "x" `, `[`, `"\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		texts, single, err := predictInputs(raw)
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields["inputs"] == "" {
				t.Fatalf("%q: %v, want an invalid-input problem", raw, err)
			}
			return
		}
		if single && len(texts) != 1 {
			t.Fatalf("%q: a single input read as %d texts", raw, len(texts))
		}
		var back any = texts
		if single {
			back = texts[0]
		}
		again, _ := json.Marshal(back)
		var want, got any
		if json.Unmarshal(raw, &want) != nil || json.Unmarshal(again, &got) != nil {
			t.Fatalf("%q read as %q, which is not the same JSON", raw, texts)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) && utf8.Valid(raw) {
				t.Fatalf("%q: invalid UTF-8 out of valid input", raw)
			}
		}
	})
}
