package problem_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/problem"
)

func TestLineAndText(t *testing.T) {
	tests := []struct {
		in         string
		line, text bool // fine as a line, as text
		want       string
	}{
		{"Ada Lovelace", true, true, ""},
		{"Zoë, Ωmega, 東京, עברית\u200f", true, true, ""},
		{"a replacement \ufffd character is text", true, true, ""},
		{"", true, true, ""},
		{"two\nlines", false, true, "U+000A"},
		{"tab\there", false, true, "U+0009"},
		{"crlf\r\n", false, true, "U+000D"},
		{"nul\x00", false, false, "U+0000 at character 4"},
		{"escape\x1b[31m", false, false, "U+001B"},
		{"delete\x7f", false, false, "U+007F"},
		{"c1 \u0085 next line", false, false, "U+0085"},
		{"not utf-8 \xff", false, false, "UTF-8"},
		{"truncated \xe6\x9d", false, false, "UTF-8"},
		{"surrogate \xed\xa0\x80", false, false, "UTF-8"},
		{"ada\u202egpj.exe", false, false, "U+202E"},
		{"isolate \u2066x\u2069", false, false, "U+2066"},
		{"line\u2028separator", false, true, "U+2028"},
	}
	for _, tt := range tests {
		line, text := problem.LineProblem(tt.in), problem.TextProblem(tt.in)
		if (line == "") != tt.line || (text == "") != tt.text {
			t.Errorf("%q: line %q, text %q; want fine as line %v, as text %v", tt.in, line, text, tt.line, tt.text)
		}
		if got := line + text; tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%q: problems %q and %q do not say %q", tt.in, line, text, tt.want)
		}
	}
}

func TestFieldsNameTheField(t *testing.T) {
	f := problem.Fields{}
	if f.Line("name", "ok") != true || f.Text("purpose", "two\nlines") != true {
		t.Fatal("good text refused")
	}
	if f.Line("name", "a\x00b") || f.Text("purpose", "\xff") {
		t.Fatal("bad text accepted")
	}
	p, ok := problem.As(f.Err())
	if !ok || p.Kind != problem.Invalid || p.Fields["name"] == "" || p.Fields["purpose"] == "" {
		t.Fatalf("err = %v, want invalid naming name and purpose", f.Err())
	}
}

// FuzzText: whatever a person sends, what passes is valid UTF-8 without
// NUL (which PostgreSQL cannot store) and, for a line, without any
// control character.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Ada", "a\x00", "\xff", "x\u202ey", "a\nb", "\ufffd", "\xef\xbf\xbd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if problem.TextProblem(s) == "" {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("%q passes as text", s)
			}
		}
		if problem.LineProblem(s) == "" {
			if problem.TextProblem(s) != "" || strings.ContainsAny(s, "\x00\n\r\t\x1b") {
				t.Fatalf("%q passes as a line", s)
			}
		}
	})
}

// TestTextUpTo: free text is refused for a control character or for
// being longer than its limit, in characters, not bytes.
func TestTextUpTo(t *testing.T) {
	for _, c := range []struct {
		s    string
		ok   bool
		says string
	}{
		{"", true, ""},
		{"ééé", true, ""},
		{"éééé", false, "at most 3 characters (this one has 4)"},
		{"a\x00", false, "control characters"},
		{"two\nlines", false, "at most 3 characters"},
	} {
		f := problem.Fields{}
		if got := f.TextUpTo("why", c.s, 3); got != c.ok || !strings.Contains(f["why"], c.says) {
			t.Errorf("%q: %v %q", c.s, got, f["why"])
		}
	}
}
