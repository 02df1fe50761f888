package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzHandle calls the module's entry point as JavaScript would, with any
// text and any decisions: it always answers a JSON object, and a preview
// it answers passes the server's check and keeps no finding it did not
// report as kept.
func FuzzHandle(f *testing.F) {
	for _, s := range []struct{ text, decisions string }{
		{letter, ""},
		{letter, `{"keep":[{"start":54,"end":66,"type":"PERSON"}]}`},
		{"Mr. Mr. Mr. Nora", `{"hide":[{"start":0,"end":3,"type":"PERSON"},{"start":2,"end":8,"type":"LOCATION"}]}`},
		{"Tel. +49 171 1234567 bei Herrn Nora Tester, nora@x.de", `{"keep":[{"start":0,"end":20,"type":"PHONE_NUMBER"}]}`},
		{"\xff\xfeHerr \xc3\x28 Müller", `{"hide":[{"start":0,"end":1,"type":"PERSON"}]}`},
		{"<PERSON> <EMAIL_ADDRESS", `{"keep":[],"hide":[]}`},
		{"", ""}, {"Nora", "null"}, {"x", "{"},
	} {
		f.Add(s.text, s.decisions)
	}
	f.Fuzz(func(t *testing.T, text, decisions string) {
		ans := handle("preview", []string{text, decisions})
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ans), &obj); err != nil {
			t.Fatalf("answer is not a JSON object: %q", ans)
		}
		if _, failed := obj["error"]; failed {
			return
		}
		var p Preview
		if err := json.Unmarshal([]byte(ans), &p); err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(p.Redacted) {
			t.Fatalf("redacted text is not valid UTF-8: %q", p.Redacted)
		}
		assertPasses(t, p)
		n := len([]rune(p.Text)) * 2
		for i, s := range p.Spans {
			if s.Start < 0 || s.End > n || s.Start >= s.End || i > 0 && s.Start < p.Spans[i-1].End {
				t.Fatalf("spans out of order or bounds: %+v", p.Spans)
			}
		}
		var r Redacted
		if err := json.Unmarshal([]byte(handle("redact", []string{text})), &r); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(text) != "" && r.Text == "" {
			t.Fatalf("redact lost the text %q", text)
		}
	})
}
