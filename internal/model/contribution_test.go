package model_test

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/model"
)

var sourcesForMeasure = []string{
	"Who pays for a broken heating boiler?\nThe landlord repairs the heating at their own cost; the tenant may reduce the rent while it is broken in winter.",
	"Can my landlord keep the whole deposit?\nOnly for damage beyond normal wear and tear, and the landlord must account for every deduction in writing within six months.",
	"How much notice do I give to move out?\nThree months' notice to the end of a calendar month, unless the lease agreed on a shorter period in your favour.",
}

// The measure pays the record an answer paraphrases — other words, other
// order, no 24-character stretch in common — and not the records it owes
// nothing; two sources of one answer are both paid.
func TestContributionsFollowParaphrase(t *testing.T) {
	for _, c := range []struct {
		name   string
		answer string
		paid   []bool
	}{
		{"paraphrase of the boiler record",
			"Your landlord has to fix a heater that broke and bear the cost. When the heating fails during winter, tenants are allowed to pay reduced rent.",
			[]bool{true, false, false}},
		{"paraphrase of the notice record",
			"You must give notice three months ahead, ending with a calendar month, although your lease can agree a shorter period.",
			[]bool{false, false, true}},
		{"two sources",
			"A landlord keeps deposits only for damage beyond wear and tear. Moving out needs three months of notice to a month's end.",
			[]bool{false, true, true}},
		{"owes them nothing",
			"Tomatoes need six hours of sun and water at the base in the morning.",
			[]bool{false, false, false}},
		{"empty", "", []bool{false, false, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := model.Contributions(c.answer, sourcesForMeasure)
			t.Logf("weights %.3f", w)
			for i, paid := range c.paid {
				if (w[i] > 0) != paid {
					t.Fatalf("weights %v, want paid %v", w, c.paid)
				}
			}
		})
	}
	// The paraphrase shares no verbatim span of model.MinSpan: the old
	// measure would have paid nobody.
	a := "Your landlord has to fix a heater that broke and bear the cost. When the heating fails during winter, tenants are allowed to pay reduced rent."
	for i := 0; i+model.MinSpan <= len(a); i++ {
		if contains(sourcesForMeasure[0], a[i:i+model.MinSpan]) {
			t.Fatalf("the paraphrase repeats %q", a[i:i+model.MinSpan])
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// The measure's weights are finite, never negative, and bounded: each
// term is a share of the answer (at most 1 and ½).
func FuzzContributions(f *testing.F) {
	f.Add("The landlord repairs the heating.", sourcesForMeasure[0], sourcesForMeasure[1])
	f.Add("...!?\n\n", "", "x")
	f.Add("ü ü ü. Ω", "ü", "Ω Ω")
	f.Fuzz(func(t *testing.T, answer, a, b string) {
		if !utf8.ValidString(answer) || len(answer) > 4000 || len(a) > 4000 || len(b) > 4000 {
			return
		}
		w := model.Contributions(answer, []string{a, b})
		if len(w) != 2 {
			t.Fatalf("%d weights for 2 records", len(w))
		}
		for _, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1.5+1e-9 {
				t.Fatalf("weight %v for %q over %q, %q", x, answer, a, b)
			}
		}
	})
}

// BenchmarkContributions weighs a long answer (200 sentences) against the
// most records an assistant weighs (30, of 2,000 characters each).
func BenchmarkContributions(b *testing.B) {
	var recs []string
	for i := range 30 {
		recs = append(recs, strings.Repeat(sourcesForMeasure[i%3]+" ", 16)[:2000])
	}
	answer := strings.Repeat("Your landlord has to fix a heater that broke and bear the cost. ", 200)
	for b.Loop() {
		model.Contributions(answer, recs)
	}
}
