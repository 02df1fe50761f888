package privacy

import (
	"reflect"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		text string
		want string
		red  []found
	}{
		{"Call me at +49 30 1234567, Anna.", "Call me at <PHONE_NUMBER>, <PERSON>.",
			[]found{{PhoneNumber, "+49 30 1234567"}, {Person, "Anna"}}},
		{"Call me at +49 30 1234567, thanks.", "Call me at <PHONE_NUMBER>, thanks.", []found{{PhoneNumber, "+49 30 1234567"}}},
		{"Dear John Smith, your card 4111 1111 1111 1111 was charged.",
			"Dear <PERSON>, your card <CREDIT_CARD> was charged.",
			[]found{{Person, "John Smith"}, {CreditCard, "4111 1111 1111 1111"}}},
		{"Grüße von Jürgen: jürgen@müller.de", "Grüße von <PERSON>: <EMAIL_ADDRESS>",
			[]found{{Person, "Jürgen"}, {EmailAddress, "jürgen@müller.de"}}},
		{"nothing to see here", "nothing to see here", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		got, red := Redact(tt.text, DefaultMinScore)
		if got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.text, got, tt.want)
		}
		var gotRed []found
		for _, r := range red {
			gotRed = append(gotRed, found{r.Type, r.Text})
			if tt.text[r.Start:r.End] != r.Text {
				t.Errorf("Redact(%q): redaction %+v does not point at its text", tt.text, r)
			}
		}
		if !reflect.DeepEqual(gotRed, tt.red) {
			t.Errorf("Redact(%q) redacted %v, want %v", tt.text, gotRed, tt.red)
		}
	}
}

// TestRedactRescans checks the reason Redact loops: once a long e-mail
// address has become a placeholder, "Tel." is close enough to the number
// after it. Scan alone does not report that number; Redact must, and must
// map it back to the original text.
func TestRedactRescans(t *testing.T) {
	email := strings.Repeat("a", 40) + "@example.org"
	text := "Tel. und Mail: " + email + " 0171 1234567"
	if got := scanFound(text, DefaultMinScore); !reflect.DeepEqual(got, []found{{EmailAddress, email}}) {
		t.Fatalf("Scan = %v, want only the e-mail address (the test's premise)", got)
	}
	got, red := Redact(text, DefaultMinScore)
	if want := "Tel. und Mail: <EMAIL_ADDRESS> <PHONE_NUMBER>"; got != want {
		t.Fatalf("Redact = %q, want %q", got, want)
	}
	if len(red) != 2 || red[1].Type != PhoneNumber || red[1].Text != "0171 1234567" ||
		text[red[1].Start:red[1].End] != "0171 1234567" {
		t.Fatalf("redactions = %+v, want the e-mail and then the phone number at its original offsets", red)
	}
	if again, more := Redact(got, DefaultMinScore); again != got || len(more) != 0 {
		t.Fatalf("Redact is not idempotent: %q, %v", again, more)
	}
}

func TestRuneOffsets(t *testing.T) {
	text := "Grüße, Jürgen: +49 30 1234567 ✓ jürgen@müller.de"
	spans := Scan(text, DefaultMinScore)
	runes := []rune(text)
	got := RuneOffsets(text, spans)
	if len(got) != 3 {
		t.Fatalf("Scan found %v, want a name, a phone number and an e-mail address", spans)
	}
	for k, sp := range got {
		if string(runes[sp.Start:sp.End]) != text[spans[k].Start:spans[k].End] {
			t.Errorf("code points [%d,%d) = %q, want %q", sp.Start, sp.End, string(runes[sp.Start:sp.End]), text[spans[k].Start:spans[k].End])
		}
	}
	if got[1].Start != 15 || got[1].End != 29 {
		t.Errorf("phone at code points [%d,%d), want [15,29)", got[1].Start, got[1].End)
	}
	// Unsorted spans are converted too.
	rev := RuneOffsets(text, []Span{spans[2], spans[1], spans[0]})
	if rev[0] != got[2] || rev[1] != got[1] || rev[2] != got[0] {
		t.Errorf("RuneOffsets of reversed spans = %v, want %v reversed", rev, got)
	}
}
