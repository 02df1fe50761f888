package program

import (
	"strings"
	"testing"
)

// norm keeps collapsed text as it is and collapses the rest, as
// strings.Fields does (Unicode spaces included).
func FuzzNorm(f *testing.F) {
	for _, s := range []string{"", " ", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\u3000 b", "Zoë Núñez 🚀", "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := norm(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("norm(%q) = %q, want %q", s, got, want)
		}
	})
}

// A date is read in each format, with one-digit day and month where the
// format has numbers; a text without digits is no date.
func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		format, s string
		ok        bool
	}{
		{"iso", "2026-03-07", true},
		{"iso", "2026-3-7", false},
		{"dmy", "7/3/2026", true},
		{"dmy", "07/03/2026", true},
		{"long", "7 March 2026", true},
		{"us-short", "Mar 7, 2026", true},
		{"long", "March", false},
	} {
		got, ok := parseDate(c.format, c.s)
		if ok != c.ok || ok && (got.Day() != 7 || got.Month() != 3) {
			t.Errorf("parseDate(%q, %q) = %v, %v; want ok %v and 7 March", c.format, c.s, got, ok, c.ok)
		}
	}
}
