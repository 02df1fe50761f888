package privacy

import (
	"strings"
	"testing"
)

// TestBadInput checks the inputs of issue 16's "bad input" list: each is
// either found (the wanted type covers the wanted text) or, where the
// package cannot find it, the test pins what it does find, so that a
// change is seen. None may panic.
func TestBadInput(t *testing.T) {
	long := strings.Repeat("Das ist ein ganz gewöhnlicher Satz ohne Namen. ", 100_000) // 4.7 MB
	tests := []struct {
		name, text string
		typ        Type
		want       string // the text a span of typ must cover
	}{
		{"zero-width space in a given name", "Gestern hat An\u200bna Schmidt angerufen.", Person, "An\u200bna Schmidt"},
		{"zero-width joiner in a surname", "Yesterday Nora Tes\u200dter called.", Person, "Nora Tes\u200dter"},
		{"soft hyphen in a name", "Ich habe Jür\u00adgen Weber getroffen.", Person, "Jür\u00adgen Weber"},
		{"zero-width space in an e-mail", "mail anna\u200b.schmidt@example.org now", EmailAddress, "anna\u200b.schmidt@example.org"},
		{"HTML around a name", "<p>Kontakt: <b>Anna Schmidt</b></p>", Person, "Anna Schmidt"},
		{"HTML mailto", `<a href="mailto:anna@example.org">Mail</a>`, EmailAddress, "anna@example.org"},
		{"Markdown bold name", "**Nora Tester** wrote the report.", Person, "Nora Tester"},
		{"Markdown link", "[Anna Schmidt](https://example.org/u/anna) schrieb", Person, "Anna Schmidt"},
		{"Markdown link URL", "[Anna Schmidt](https://example.org/u/anna) schrieb", URL, "https://example.org/u/anna"},
		{"Markdown list address", "- Heidestraße 17, 51147 Köln\n- Tel. +49 221 123456", StreetAddress, "Heidestraße 17, 51147 Köln"},
		{"name split across lines: the given name is found", "Viele Grüße von Anna\nSchmidt", Person, "Anna"},
		{"address split across lines: the street is found", "Heidestraße 17\n51147 Köln", StreetAddress, "Heidestraße 17"},
		{"mixed scripts: Cyrillic beside a Latin name", "Привет, Anna Schmidt! Как дела в Berlin?", Person, "Anna Schmidt"},
		{"mixed scripts: place", "Привет, Anna Schmidt! Как дела в Berlin?", Location, "Berlin"},
		{"CJK around an e-mail", "请联系anna@example.org谢谢", EmailAddress, "anna@example.org"},
		{"right-to-left around a phone", "اتصل بي على +49 30 1234567 شكرا", PhoneNumber, "+49 30 1234567"},
		{"very long text, name at the end", long + "Grüße, Nora Tester", Person, "Nora Tester"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := Scan(tt.text, DefaultMinScore)
			for _, sp := range spans {
				if sp.Type == tt.typ && sp.Start <= strings.Index(tt.text, tt.want) && sp.End >= strings.Index(tt.text, tt.want)+len(tt.want) {
					return
				}
			}
			var got []string
			for _, sp := range spans {
				if len(got) < 10 {
					got = append(got, string(sp.Type)+" "+tt.text[sp.Start:sp.End])
				}
			}
			t.Errorf("no %s covering %q; found %q", tt.typ, tt.want, got)
		})
	}
}

// TestBadInputRedacts checks that what is found in marked-up text is
// redacted and the mark-up kept.
func TestBadInputRedacts(t *testing.T) {
	got, _ := Redact("<b>Anna Schmidt</b> (<i>anna@example.org</i>)", DefaultMinScore)
	if want := "<b><PERSON></b> (<i><EMAIL_ADDRESS></i>)"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}
