package datanet_test

import (
	"testing"

	"github.com/allmende/allmende/internal/datanet"
)

// Agreement reads members' text: whatever it is, the share is in [0, 1],
// known only when some record is related, and a record agrees with its
// own copy.
func FuzzAgreement(f *testing.F) {
	f.Add("Can my landlord keep the deposit?", "Only for damage.", "Can the landlord keep my deposit?", "No.", "north")
	f.Add("", "", "", "", "")
	f.Add("ÄÖÜ ß 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\x00\xff", "ÄÖÜ ß", "\u202e", "x")
	f.Fuzz(func(t *testing.T, q1, a1, q2, a2, label string) {
		r := datanet.Record{Question: q1, Answer: a1}
		others := []datanet.Record{{Question: q2, Answer: a2}, {Text: q2, Fields: map[string]string{"region": label}}}
		if v, ok := datanet.Agreement(r, others); ok && (v < 0 || v > 1) {
			t.Fatalf("agreement %v outside [0, 1]", v)
		} else if !ok && v != 0 {
			t.Fatalf("an unknown agreement of %v", v)
		}
		if v, ok := datanet.Agreement(r, []datanet.Record{r}); ok && v != 1 {
			t.Fatalf("a record disagrees with its copy: %v", v)
		}
	})
}
