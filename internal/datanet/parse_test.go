package datanet

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseRecords(f *testing.F) {
	for _, seed := range []string{
		`{"text":"hello"}`, `[{"text":"a"},{"text":5}]`, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n\n", `{"question":"q","answer":"a"}`,
		`{"labels":["battery"],"boxes":[{"label":"battery","x":1,"y":2,"w":3,"h":4}]}`, `{"text":"x","fields":{"age":"40"}}`,
		"\xff\xfe", `[`, `{"text":"a"} {"text":"b"}`, `null`, `[null]`, `{"boxes":[{"label":"battery","x":-1,"y":0,"w":0,"h":1}]}`,
		`{"text":"Best regards, Paris Hilton","kept":[{"field":"text","start":14,"end":26,"type":"PERSON"}]}`,
		`{"text":"x","kept":[{"field":"fields.age","start":-1,"end":2,"type":"PERSON","x":1}]}`, `{"text":"x","kept":null}`,
	} {
		f.Add(seed, uint8(0))
		f.Add(seed, uint8(1))
	}
	kinds := []Datanet{
		{Slug: "t", RecordKind: KindText, Fields: []string{"age"}},
		{Slug: "q", RecordKind: KindQA},
		{Slug: "i", RecordKind: KindImage, Labels: []string{"battery"}},
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		d := kinds[int(which)%len(kinds)]
		format := []Format{FormatJSON, FormatJSONL}[int(which/3)%2]
		sub, err := d.ParseRecords(format, strings.NewReader(body))
		if err != nil {
			return
		}
		if len(sub.Records) != len(sub.Lines) || len(sub.Records) != len(sub.Indexes) {
			t.Fatalf("records %d, lines %d, indexes %d", len(sub.Records), len(sub.Lines), len(sub.Indexes))
		}
		seen := map[int]bool{}
		for _, i := range sub.Indexes {
			seen[i] = true
		}
		for _, e := range sub.Errors {
			if seen[e.Index] {
				t.Fatalf("index %d is both a record and an error", e.Index)
			}
			seen[e.Index] = true
			if e.Message == "" {
				t.Fatal("an error without a message")
			}
		}
		for _, r := range sub.Records {
			for _, s := range []string{r.Text, r.Question, r.Answer} {
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxTextChars {
					t.Fatalf("accepted invalid text %q", s)
				}
			}
			switch d.RecordKind {
			case KindText:
				if r.Text == "" {
					t.Fatal("accepted a text record without text")
				}
			case KindQA:
				if r.Question == "" || r.Answer == "" {
					t.Fatal("accepted a Q&A record without question or answer")
				}
			case KindImage:
				for _, b := range r.Boxes {
					if b.W <= 0 || b.H <= 0 || b.X < 0 || b.Y < 0 || b.Label != "battery" {
						t.Fatalf("accepted a bad box %+v", b)
					}
				}
			}
		}
	})
}
