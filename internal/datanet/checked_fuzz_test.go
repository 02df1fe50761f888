package datanet

import (
	"testing"

	"github.com/allmende/allmende/internal/privacy"
)

// FuzzCheckRedacted: whatever text and kept spans arrive, the check
// either refuses or passes only text whose every finding was confirmed,
// and the placeholders it counts lie inside the text.
func FuzzCheckRedacted(f *testing.F) {
	f.Add("Best regards, Paris Hilton", 14, 26, "PERSON")
	f.Add("Write to <EMAIL_ADDRESS> or ada@example.org", 0, 3, "EMAIL_ADDRESS")
	f.Add("<PERSON><PERSON> <IBAN_CODE", 0, 8, "PERSON")
	f.Add("\xff<\xc3PHONE_NUMBER>", 1, 2, "PHONE_NUMBER")
	f.Fuzz(func(t *testing.T, text string, start, end int, typ string) {
		kept := []Kept{{Field: "text", Start: start, End: end, Type: privacy.Type(typ)}}
		found, err := checkRedacted("text", text, kept)
		if err != nil {
			return
		}
		for _, sp := range privacy.RuneOffsets(text, privacy.Scan(text, privacy.DefaultMinScore)) {
			if sp.Start != start || sp.End != end || string(sp.Type) != typ {
				t.Fatalf("passed with an unconfirmed finding %+v", sp)
			}
		}
		n := len([]rune(text))
		for _, r := range found {
			if r.Start < 0 || r.End > n || r.Start >= r.End {
				t.Fatalf("placeholder %+v outside %d characters", r, n)
			}
		}
	})
}
