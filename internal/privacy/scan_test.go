package privacy

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// found is a finding as the tests write it: the type and the text.
type found struct {
	typ  Type
	text string
}

func scanFound(text string, minScore float64) []found {
	var out []found
	for _, sp := range Scan(text, minScore) {
		out = append(out, found{sp.Type, text[sp.Start:sp.End]})
	}
	return out
}

// TestScanContext checks that context words move a score across the
// threshold in both directions, and that the threshold is the caller's.
func TestScanContext(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		minScore float64
		want     []found
	}{
		{"national number alone", "0171 1234567", DefaultMinScore, nil},
		{"national number, lower threshold", "0171 1234567", 0.3, []found{{PhoneNumber, "0171 1234567"}}},
		{"national number after Handy", "Handy 0171 1234567", DefaultMinScore, []found{{PhoneNumber, "0171 1234567"}}},
		{"context word too far", "Handy, aber das ist schon eine ganze Weile her, fast ein Jahr, 0171 1234567", DefaultMinScore, nil},
		{"context word after", "0171 1234567 (mobil)", DefaultMinScore, []found{{PhoneNumber, "0171 1234567"}}},
		{"IPv4 alone", "at 10.1.2.3 today", DefaultMinScore, []found{{IPAddress, "10.1.2.3"}}},
		{"IPv4 after version", "version 10.1.2.3 today", DefaultMinScore, nil},
		{"IPv4 after version, still there at 0.1", "version 10.1.2.3 today", 0.1, []found{{IPAddress, "10.1.2.3"}}},
		{"date without birth word", "on 12.05.1990 we met", DefaultMinScore, []found{{DateTime, "12.05.1990"}}},
		{"date without birth word is below the birth score", "on 12.05.1990 we met", dobCtx, nil},
		{"date with birth word", "born 12.05.1990", dobCtx, []found{{DateTime, "12.05.1990"}}},
		{"place that is a word needs a cue", "Essen ist fertig.", DefaultMinScore, nil},
		{"place that is a word after a cue", "Ich wohne in Essen.", DefaultMinScore, []found{{Location, "Essen"}}},
		{"URL without a secret", "see https://example.com/a", urlToken, nil},
		{"URL with a token", "see https://example.com/a?token=x1", urlToken, []found{{URL, "https://example.com/a?token=x1"}}},
		{"tax id alone is below", "12345678995", DefaultMinScore, nil},
		{"tax id with context", "Steuer-ID 12345678995", DefaultMinScore, []found{{DETaxID, "12345678995"}}},
		{"plain nine digits are no SSN", "536904399", DefaultMinScore, nil},
		{"plain nine digits after SSN", "SSN 536904399", DefaultMinScore, []found{{USSSN, "536904399"}}},
		{"card contiguous gets the context bonus", "Visa 4111111111111111", 0.99, []found{{CreditCard, "4111111111111111"}}},
		{"card contiguous without context", "4111111111111111", 0.99, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanFound(tt.text, tt.minScore); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Scan(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestScanOverlap checks which of two overlapping findings survives.
func TestScanOverlap(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []found
	}{
		{"credentials in a URL beat the e-mail inside it", "https://alice:pw@mail.example.org/x",
			[]found{{URL, "https://alice:pw@mail.example.org/x"}}},
		{"an IPv6 address beats the IPv4 tail", "::ffff:192.0.2.1",
			[]found{{IPAddress, "::ffff:192.0.2.1"}}},
		{"an IBAN beats the phone-like digits in it", "IBAN DE89 3704 0044 0532 0130 00",
			[]found{{IBANCode, "DE89 3704 0044 0532 0130 00"}}},
		{"a phone number in an e-mail's local part", "01711234567@sms.example.com",
			[]found{{EmailAddress, "01711234567@sms.example.com"}}},
		{"a date of birth inside a phone-like run", "geb. 12.05.1990 030 1234567",
			[]found{{DateTime, "12.05.1990"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanFound(tt.text, DefaultMinScore); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Scan(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestScanBoundaries checks that digits and letters glued to a pattern
// prevent it, and that placeholders are not scanned.
func TestScanBoundaries(t *testing.T) {
	for _, text := range []string{
		"x4111111111111111",           // a card number inside a word
		"4111111111111111x",           //
		"1.2.3.4.5",                   // five parts: not an address
		"DE89370400440532013000X",     // an IBAN glued to a letter
		"ab@cd",                       // no top-level domain
		"<PHONE_NUMBER> 0171 1234567", // placeholder words are not context
		"<PERSON>",
		"Frau <PERSON>",
	} {
		if got := Scan(text, DefaultMinScore); len(got) != 0 {
			t.Errorf("Scan(%q) = %v, want nothing", text, got)
		}
	}
	// A URL is reported, but an empty token value is no secret: the score
	// stays that of a plain URL.
	for _, text := range []string{"https://example.com/?token="} {
		if got := Scan(text, urlPlain+0.01); len(got) != 0 {
			t.Errorf("Scan(%q) = %v, want nothing", text, got)
		}
	}
}

// TestScanMinScoreFilters checks that a threshold removes findings and
// never changes the ones that remain: resolution is by score first, so a
// low-scoring candidate can never have displaced a high-scoring one.
func TestScanMinScoreFilters(t *testing.T) {
	for _, ex := range labelled {
		text, _ := expectedSpans(t, ex)
		all := Scan(text, 0)
		for _, m := range []float64{0.3, DefaultMinScore, 0.8} {
			var want []Span
			for _, sp := range all {
				if sp.Score >= m {
					want = append(want, sp)
				}
			}
			if got := Scan(text, m); !reflect.DeepEqual(got, want) {
				t.Errorf("Scan(%q, %v) = %v, want the subset %v", text, m, got, want)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		in   []Span
		want []Span
	}{
		{"higher score wins",
			[]Span{{0, 10, PhoneNumber, 0.5}, {5, 12, EmailAddress, 0.9}},
			[]Span{{5, 12, EmailAddress, 0.9}}},
		{"equal score: longer wins",
			[]Span{{0, 10, PhoneNumber, 0.9}, {2, 14, CreditCard, 0.9}},
			[]Span{{2, 14, CreditCard, 0.9}}},
		{"equal score and length: earlier wins",
			[]Span{{3, 8, Person, 0.7}, {0, 5, Location, 0.7}},
			[]Span{{0, 5, Location, 0.7}}},
		{"a chain keeps both ends",
			[]Span{{0, 5, Person, 0.8}, {4, 9, Person, 0.5}, {8, 12, Person, 0.8}},
			[]Span{{0, 5, Person, 0.8}, {8, 12, Person, 0.8}}},
		{"touching spans do not overlap",
			[]Span{{5, 9, Person, 0.5}, {0, 5, Person, 0.8}},
			[]Span{{0, 5, Person, 0.8}, {5, 9, Person, 0.5}}},
		{"a low span nested in a high one",
			[]Span{{0, 20, URL, 0.95}, {8, 12, IPAddress, 0.6}, {25, 30, Person, 0.7}},
			[]Span{{0, 20, URL, 0.95}, {25, 30, Person, 0.7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolve(slices.Clone(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("resolve = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestResolveOrderIndependent checks on random spans that the result does
// not depend on the input order and never overlaps.
func TestResolveOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	scores := []float64{0.3, 0.5, 0.7, 0.9}
	for range 300 {
		var in []Span
		for range 1 + r.IntN(30) {
			start := r.IntN(100)
			in = append(in, Span{start, start + 1 + r.IntN(15), Types[r.IntN(len(Types))], scores[r.IntN(len(scores))]})
		}
		want := resolve(slices.Clone(in))
		for k := 1; k < len(want); k++ {
			if want[k].Start < want[k-1].End {
				t.Fatalf("resolve(%v) overlaps: %v", in, want)
			}
		}
		r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		if got := resolve(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("resolve depends on order:\n%v\n%v", got, want)
		}
	}
}
