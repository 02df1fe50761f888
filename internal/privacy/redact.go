package privacy

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Redaction is one replaced span: Start and End are byte offsets into the
// original text, and Text is what stood there.
type Redaction struct {
	Span
	Text string
}

// maxRedactRounds bounds the rescans of Redact; two suffice in practice.
const maxRedactRounds = 8

// Redact replaces every finding of [Scan] with its [Placeholder] and returns
// the redacted text and what was replaced, sorted by position.
//
// Replacing a finding can change the context of another: a phone number
// that was too far from "Tel." may come within reach once a long e-mail
// address between them has become "<EMAIL_ADDRESS>". Redact therefore scans
// its own output again until nothing more is found, so that redacting twice
// gives the same text as redacting once. Findings of later rounds are
// mapped back to the original text.
func Redact(text string, minScore float64) (string, []Redaction) {
	var done []Redaction // in original offsets, sorted
	cur := text
	for range maxRedactRounds {
		spans := Scan(cur, minScore)
		if len(spans) == 0 {
			break
		}
		var b strings.Builder
		b.Grow(len(cur))
		prev, earlier := 0, len(done)
		for _, sp := range spans {
			b.WriteString(cur[prev:sp.Start])
			b.WriteString(Placeholder(sp.Type))
			prev = sp.End
			start := toOriginal(done[:earlier], text, sp.Start)
			end := toOriginal(done[:earlier], text, sp.End)
			done = append(done, Redaction{Span{start, end, sp.Type, sp.Score}, text[start:end]})
		}
		b.WriteString(cur[prev:])
		cur = b.String()
		slices.SortFunc(done, func(a, b Redaction) int { return a.Start - b.Start })
	}
	return cur, done
}

// toOriginal maps an offset in the text redacted by done (sorted, from
// earlier rounds) back to the original text. Findings never contain a
// placeholder, so an offset is never inside one.
func toOriginal(done []Redaction, text string, p int) int {
	shift := 0
	for _, r := range done {
		redactedStart := r.Start - shift
		if redactedStart >= p {
			break
		}
		shift += r.End - r.Start - len(Placeholder(r.Type))
	}
	return min(p+shift, len(text))
}

// RuneOffsets returns the spans with Start and End counted in Unicode code
// points instead of bytes, as JSON consumers in most languages expect. An
// invalid byte counts as one code point, as utf8.RuneCountInString counts
// it. Spans sorted by Start, as Scan returns them, are converted in one pass.
func RuneOffsets(text string, spans []Span) []Span {
	out := make([]Span, len(spans))
	pos, runes := 0, 0
	at := func(p int) int {
		if p < pos {
			pos, runes = 0, 0
		}
		runes += utf8.RuneCountInString(text[pos:p])
		pos = p
		return runes
	}
	for k, sp := range spans {
		out[k] = sp
		out[k].Start = at(sp.Start)
		out[k].End = at(sp.End)
	}
	return out
}
