package datanet

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Score is a contribution's validation score, shown to its contributor:
// the mean of the parts that are known, each in [0, 1].
//
//   - Decision: 1 if a curator (or a steward on appeal) accepted it, 0 if
//     rejected; unknown while it waits.
//   - Agreement: of the datanet's accepted records about the same thing
//     (related: a question, or for a text datanet the text, sharing at
//     least half its words), the share that say the same — the same labels
//     and field values, or for a question without fields an answer sharing
//     at least half its words. Unknown when no record is related, or when
//     the records carry nothing to agree on (text without fields, images).
//   - Gold: the same agreement, against the datanet's gold records only —
//     accepted records its curators marked as references.
type Score struct {
	Value     float64  `json:"value"`
	Decision  *float64 `json:"decision,omitempty"`
	Agreement *float64 `json:"agreement,omitempty"`
	Gold      *float64 `json:"gold,omitempty"`
}

// relatedAt is the word overlap (Jaccard) from which two records are
// about the same thing, and from which two answers agree.
const relatedAt = 0.5

// newScore averages the known parts; nil when none is known.
func newScore(decision, agreement, gold *float64) *Score {
	sum, n := 0.0, 0
	for _, p := range []*float64{decision, agreement, gold} {
		if p != nil {
			sum += *p
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &Score{Value: sum / float64(n), Decision: decision, Agreement: agreement, Gold: gold}
}

// Agreement is the share of the others related to r that agree with it
// (see Score), and false when none is related or r carries nothing that
// could agree.
func Agreement(r Record, others []Record) (float64, bool) {
	subject := words(r.subject())
	if len(subject) == 0 || !r.hasVerdict() {
		return 0, false
	}
	related, agree := 0, 0
	for _, o := range others {
		if jaccard(subject, words(o.subject())) < relatedAt {
			continue
		}
		related++
		if r.agrees(o) {
			agree++
		}
	}
	if related == 0 {
		return 0, false
	}
	return float64(agree) / float64(related), true
}

// subject is what a record is about: its question, or its text.
func (r Record) subject() string {
	if r.Question != "" {
		return r.Question
	}
	return r.Text
}

// hasVerdict says whether the record says something others can agree
// with: labels, field values, or an answer.
func (r Record) hasVerdict() bool {
	return len(r.Fields) > 0 || len(r.Labels) > 0 || r.Answer != ""
}

func (r Record) agrees(o Record) bool {
	if len(r.Fields) > 0 || len(r.Labels) > 0 {
		a, b := slices.Sorted(slices.Values(r.Labels)), slices.Sorted(slices.Values(o.Labels))
		return maps.Equal(r.Fields, o.Fields) && slices.Equal(a, b)
	}
	a, b := words(r.Answer), words(o.Answer)
	if len(a) == 0 && len(b) == 0 { // nothing but signs: the same signs agree
		return strings.TrimSpace(r.Answer) == strings.TrimSpace(o.Answer)
	}
	return jaccard(a, b) >= relatedAt
}

// words is the set of lower-cased words (letters and digits) of s.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out[w] = true
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both := 0
	for w := range a {
		if b[w] {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
