package dedup

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trim and collapse", " \t Hello,\n\n  World \r\n", "hello, world"},
		{"no-break and ideographic spaces", "a\u00a0b\u3000c\u2009d", "a b c d"},
		{"zero-width and soft hyphen", "da\u200bta\u00adbase\ufeff \u200d", "database"},
		{"bidi marks and controls", "\u202eabc\u202c\x00\x07", "abc"},
		{"curly quotes", "\u201cit\u2019s\u201d \u00abhere\u00bb", "\"it's\" \"here\""},
		{"dashes and minus", "a\u2013b\u2014c\u2212d\u2011e", "a-b-c-d-e"},
		{"ellipsis and ligature", "\ufb01ne\u2026", "fine..."},
		{"fullwidth", "\uff21\uff22\uff23\uff11\uff12", "abc12"},
		{"precomposed accent", "Caf\u00e9 \u00dcBER", "cafe uber"},
		{"decomposed accent", "Cafe\u0301 U\u0308BER", "cafe uber"},
		{"sharp s", "Stra\u00dfe STRA\u1e9eE", "strasse strasse"},
		{"case orbits", "\u212a \u017f \u03a3\u03c3\u03c2", "k s \u03c3\u03c3\u03c3"},
		{"greek tonos", "\u0386\u03b8\u03ae\u03bd\u03b1", "\u03b1\u03b8\u03b7\u03bd\u03b1"},
		{"invalid utf-8 dropped", "ab\xffcd\xc3", "abcd"},
		{"letters without decomposition kept", "\u00f8 \u0142 \u00e6", "\u00f8 \u0142 \u00e6"},
		{"backtick and acute as apostrophe", "don`t don\u00b4t", "don't don't"},
		{"empty", " \u200b ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShingleText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello, world!", "hello world"},
		{"  --a-b--  ", "a b"},
		{"x1 2y", "x1 2y"},
		{"...", ""},
	}
	for _, tt := range tests {
		if got := shingleText(tt.in); got != tt.want {
			t.Errorf("shingleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAppendShingles(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"ab", []string{"ab"}},
		{"abcde", []string{"abcde"}},
		{"abcdef", []string{"abcde", "bcdef"}},
		{"äbcdéf", []string{"äbcdé", "bcdéf"}}, // runes, not bytes
	}
	for _, tt := range tests {
		got := appendShingles(nil, tt.in)
		var want []uint64
		for _, s := range tt.want {
			want = append(want, fnv64(s))
		}
		if len(got) != len(want) {
			t.Errorf("appendShingles(%q): %d shingles, want %d", tt.in, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("appendShingles(%q)[%d] is not the hash of %q", tt.in, i, tt.want[i])
			}
		}
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", "Hello  World", "Caf\u00e9\u0301", "\u212a\u00df\ufb03", "a\u200b \u200bb", "\xff\xfe", "\uff21\u2026\u201c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeText(s)
		if !utf8.ValidString(n) {
			t.Fatalf("NormalizeText(%q) = %q, not valid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeText(%q) = %q, spaces not collapsed", s, n)
		}
		if again := NormalizeText(n); again != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
		if FingerprintText(s).DNA != FingerprintText(n).DNA {
			t.Fatalf("DNA of %q differs from that of its normal form", s)
		}
	})
}
