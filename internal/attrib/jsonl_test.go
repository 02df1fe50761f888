package attrib

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func readAll(input string) (recs []Record, lines []int, err error) {
	d := NewJSONLReader(strings.NewReader(input))
	for r, err := range d.Records() {
		if err != nil {
			return recs, lines, err
		}
		lines = append(lines, d.Line(len(recs)))
		recs = append(recs, r)
	}
	return recs, lines, nil
}

func TestJSONLReader(t *testing.T) {
	long := strings.Repeat("ü", 100_000) // longer than the read buffer
	tests := []struct {
		name      string
		input     string
		want      []Record
		lines     []int
		errLine   int
		errSubstr string
	}{
		{name: "strings and numbers as ids",
			input: `{"id":"a","text":"x"}` + "\n" + `{"id":42,"text":"y"}` + "\n" + `{"id":-1.5e3,"text":""}` + "\n",
			want:  []Record{{"a", "x"}, {"42", "y"}, {"-1.5e3", ""}}, lines: []int{1, 2, 3}},
		{name: "blank lines, CRLF, BOM, no final newline, extra fields",
			input: "\uFEFF" + `{"id":"a","text":"x","lang":"de"}` + "\r\n\r\n  \n" + `{"text":"y","id":"b"}`,
			want:  []Record{{"a", "x"}, {"b", "y"}}, lines: []int{1, 4}},
		{name: "a line longer than the buffer",
			input: `{"id":"a","text":"` + long + `"}` + "\n" + `{"id":"b","text":"z"}`,
			want:  []Record{{"a", long}, {"b", "z"}}, lines: []int{1, 2}},
		{name: "escapes and invalid UTF-8 become text",
			input: `{"id":"\u00e9","text":"tab\tquote\" \ud83d\ude00 ` + "\xff" + `"}`,
			want:  []Record{{"é", "tab\tquote\" 😀 \uFFFD"}}, lines: []int{1}},
		{name: "empty input", input: "", want: nil},
		{name: "not JSON", input: `{"id":"a","text":"x"}` + "\n" + `id=b text=y`, errLine: 2, errSubstr: "not a JSON object"},
		{name: "two objects on a line", input: `{"id":"a","text":"x"} {"id":"b","text":"y"}`, errLine: 1, errSubstr: "not a JSON object"},
		{name: "missing id", input: `{"text":"x"}`, errLine: 1, errSubstr: `missing "id"`},
		{name: "null id", input: `{"id":null,"text":"x"}`, errLine: 1, errSubstr: `missing "id"`},
		{name: "empty id", input: `{"id":"","text":"x"}`, errLine: 1, errSubstr: `empty "id"`},
		{name: "boolean id", input: `{"id":true,"text":"x"}`, errLine: 1, errSubstr: "want a string or a number"},
		{name: "object id", input: `{"id":{"n":1},"text":"x"}`, errLine: 1, errSubstr: "want a string or a number"},
		{name: "missing text", input: "\n\n" + `{"id":"a"}`, errLine: 3, errSubstr: `missing "text"`},
		{name: "text not a string", input: `{"id":"a","text":7}`, errLine: 1, errSubstr: "not a JSON object"},
		{name: "an array", input: `["a","x"]`, errLine: 1, errSubstr: "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, lines, err := readAll(tc.input)
			if tc.errLine != 0 {
				var le *LineError
				if !errors.As(err, &le) || le.Line != tc.errLine || !strings.Contains(err.Error(), tc.errSubstr) {
					t.Fatalf("error %v, want line %d mentioning %q", err, tc.errLine, tc.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(recs, tc.want) || !reflect.DeepEqual(lines, tc.lines) {
				t.Fatalf("got %q at lines %v\nwant %q at lines %v", recs, lines, tc.want, tc.lines)
			}
		})
	}
}

// FuzzJSONLReader feeds arbitrary bytes: the reader must not panic, must
// yield only records with ids, on increasing lines, and must read back
// what encoding the records it yielded produces.
func FuzzJSONLReader(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","text":"x"}`, `{"id":1,"text":"y"}` + "\n\n" + `{"id":"b","text":""}`,
		"\uFEFF{\"id\":\"a\",\"text\":\"\xff\"}\r\n", `{"id":`, `{"id":"a","text":"x"}}`, "\n\n\n", `{"id":-0,"text":"\u0000"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		recs, lines, _ := readAll(input)
		var b strings.Builder
		for i, r := range recs {
			if r.ID == "" {
				t.Fatalf("record %d has an empty id", i)
			}
			if i > 0 && lines[i] <= lines[i-1] {
				t.Fatalf("lines %v not increasing", lines)
			}
			line, _ := json.Marshal(map[string]string{"id": r.ID, "text": r.Text})
			b.Write(line)
			b.WriteByte('\n')
		}
		again, _, err := readAll(b.String())
		if err != nil || len(recs) > 0 && !reflect.DeepEqual(again, recs) {
			t.Fatalf("round trip: %q, %v; want %q", again, err, recs)
		}
	})
}
