package privacy

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F) {
	for _, ex := range labelled {
		text, _ := expectedSpans(f, ex)
		f.Add(text)
	}
	for _, s := range []string{
		"", "@", "a@b", "::", ":::::", "+", "(", "+(", "((((1", "<", "<PERSON", "<PERSON>",
		"https://", "www.", "\xff\xfe@\xc3", "Herr \xc3\x28", "DE89 3704 0044 0532 0130 0",
		"1 2 3 4 5 6 7 8 9 10 11 12", strings.Repeat("0", 40), "Mr. Mr. Mr. Mr.",
		"Dear Anna-", "O'", "12. Mai", "May 12,", "Straße 5", "Hauptstraße 5, 10115",
		// The detectors without a cue word and the types added with them.
		"Nora Tester", "Anna", "Anna Maria von", "Rico Kuvalis.", "An\u200bna Schmidt", "\u200b\u200bA",
		"Müller & Schmidt GmbH & Co. KG", "X & Y & Z & W & V & U & T GmbH", "Co.", "Inc..",
		"University of", "University of Oxford", "Frankfurt am", "Frankfurt am Main", "New York Times",
		"Am Markt 3a, 20095 Hamburg", "Am ", "Zur Alten Brauerei 66", "Im Kapitel 3",
		"1784 N Maple Street, Apt 4, Lee's Summit, MO 64063", "1479 15th", "12 Oak Ave, #",
		"34 years old", "aged 1", "999 Jahre alt", "PLZ 20095", "CA 94105-1234", "20095 Hamburg",
		"allmende.coop", "a-b-c-d.de", "x.", "-.de", "a.b.c.d.e.f.g.h.i.j.com/", "www.example.com/x",
		"Führerschein Nr. B072RRE2I55", "license", "Driver's license number: ", "14:30 Uhr", "2:30 p.m.",
		"24:60", "1:2:3", "Personalausweis T220001293", "Ausweis Nr. L01X00T4", "ausweis CCCCCCCCC", "Dr. Prof. Herr Frau Mr.", "Thanks, Sydney!", "42 Wallaby Way, Sydney",
	} {
		f.Add(s)
	}
}

// FuzzScan checks the invariants of Scan on arbitrary input: spans inside
// the text, sorted, disjoint, with known types and scores in (0,1], on
// character boundaries of valid UTF-8, the same on every call, and a higher
// threshold giving a subset.
func FuzzScan(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		all := Scan(text, 0)
		valid := utf8.ValidString(text)
		for k, sp := range all {
			if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
				t.Fatalf("span %+v out of bounds of %d bytes", sp, len(text))
			}
			if k > 0 && sp.Start < all[k-1].End {
				t.Fatalf("spans overlap or are unsorted: %+v", all)
			}
			if !isType(string(sp.Type)) || sp.Score <= 0 || sp.Score > 1 {
				t.Fatalf("bad type or score: %+v", sp)
			}
			if valid && (!utf8.RuneStart(text[sp.Start]) || sp.End < len(text) && !utf8.RuneStart(text[sp.End])) {
				t.Fatalf("span %+v splits a character of %q", sp, text)
			}
		}
		if again := Scan(text, 0); !reflect.DeepEqual(again, all) {
			t.Fatalf("Scan is not deterministic: %v then %v", all, again)
		}
		var want []Span
		for _, sp := range all {
			if sp.Score >= DefaultMinScore {
				want = append(want, sp)
			}
		}
		if got := Scan(text, DefaultMinScore); !reflect.DeepEqual(got, want) {
			t.Fatalf("Scan at %v = %v, want the subset %v", DefaultMinScore, got, want)
		}
	})
}

// FuzzRedact checks that redaction keeps valid UTF-8 valid, that the
// redactions describe exactly what was replaced, and that it is idempotent.
func FuzzRedact(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		out, red := Redact(text, DefaultMinScore)
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) = %q, not valid UTF-8", text, out)
		}
		var rebuilt strings.Builder
		prev := 0
		for k, r := range red {
			if r.Start < prev || r.End > len(text) || r.Start >= r.End || k > 0 && r.Start < red[k-1].End {
				t.Fatalf("redactions out of order or overlapping: %+v", red)
			}
			if text[r.Start:r.End] != r.Text {
				t.Fatalf("redaction %+v does not point at its text", r)
			}
			rebuilt.WriteString(text[prev:r.Start])
			rebuilt.WriteString(Placeholder(r.Type))
			prev = r.End
		}
		rebuilt.WriteString(text[prev:])
		if rebuilt.String() != out {
			t.Fatalf("replacing the redactions gives %q, Redact gave %q", rebuilt.String(), out)
		}
		if again, more := Redact(out, DefaultMinScore); again != out || len(more) != 0 {
			t.Fatalf("Redact is not idempotent on %q: %q, %+v", text, again, more)
		}
	})
}
