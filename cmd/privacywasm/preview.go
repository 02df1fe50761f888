package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/privacy"
)

// Mark is a span of the text a member decided on, in UTF-16 code units as
// JavaScript counts them.
type Mark struct {
	Start int          `json:"start"`
	End   int          `json:"end"`
	Type  privacy.Type `json:"type"`
}

// Decisions are a member's corrections to what the detector found: spans
// it found that are not personal (Keep, matched exactly, type included)
// and spans it missed (Hide).
type Decisions struct {
	Keep []Mark `json:"keep"`
	Hide []Mark `json:"hide"`
}

// Shown is one span of the preview, in UTF-16 code units of Preview.Text:
// either replaced by a placeholder (Hidden) or kept because the member
// said so. Parts are the findings and marks it is made of, the marks to
// send back as Decisions.Keep to keep it.
type Shown struct {
	Mark
	Score  float64 `json:"score"`
	Hidden bool    `json:"hidden"`
	// Member is set when the member's own mark hides (part of) it.
	Member bool   `json:"member,omitempty"`
	Parts  []Mark `json:"parts"`
}

// Kept is a span the member confirmed keeping, in code points of the
// redacted text, as the server's check takes it ("kept" of a record).
type Kept struct {
	Field string       `json:"field"`
	Start int          `json:"start"`
	End   int          `json:"end"`
	Type  privacy.Type `json:"type"`
}

// Preview is what the contribute page shows and sends: the text the
// offsets count in (trimmed as the server trims a record's text), the
// spans over it, the redacted text to send and the kept spans to confirm.
type Preview struct {
	Text     string  `json:"text"`
	Spans    []Shown `json:"spans"`
	Redacted string  `json:"redacted"`
	Kept     []Kept  `json:"kept"`
}

// span is a finding or mark in byte offsets of the text.
type span struct {
	start, end int
	typ        privacy.Type
	score      float64
	member     bool
}

// maxRounds bounds the rescans of preview, as privacy.Redact bounds its own.
const maxRounds = 8

// preview finds the personal data in text, applies the member's
// decisions, and returns the redacted text that passes the server's check:
// everything the detector finds in it is a span the member kept. The
// detector runs again on its own output until that holds, because hiding
// one span can bring another within reach of a context word.
func preview(raw string, d Decisions) (Preview, error) {
	text := strings.TrimSpace(validUTF8(raw))
	u := newUnits(text)
	marks := func(name string, ms []Mark, member bool) ([]span, error) {
		var out []span
		for i, m := range ms {
			s, e, ok := u.bytes(m.Start, m.End)
			if !ok {
				return nil, fmt.Errorf("%s[%d]: %d–%d is not a span of the text (%d units long)", name, i, m.Start, m.End, len(u.toByte)-1)
			}
			if !slices.Contains(privacy.Types, m.Type) {
				return nil, fmt.Errorf("%s[%d]: %q is not a type of personal data (one of %s)", name, i, m.Type, typeList())
			}
			out = append(out, span{start: s, end: e, typ: m.Type, score: 1, member: member})
		}
		return out, nil
	}
	keep, err := marks("keep", d.Keep, false)
	if err != nil {
		return Preview{}, err
	}
	hide, err := marks("hide", d.Hide, true)
	if err != nil {
		return Preview{}, err
	}
	isKept := func(s span) bool {
		return slices.ContainsFunc(keep, func(k span) bool { return k.start == s.start && k.end == s.end && k.typ == s.typ })
	}

	_, found := privacy.Redact(text, privacy.DefaultMinScore)
	var detected []span
	for _, r := range found {
		detected = append(detected, span{start: r.Start, end: r.End, typ: r.Type, score: r.Score})
	}
	for round := 0; round <= maxRounds; round++ {
		if round == maxRounds {
			// The detector keeps finding new spans next to the kept
			// ones: hide everything it found rather than send text the
			// member could not check.
			keep = nil
		}
		var hidden, kept []span
		for _, s := range detected {
			if isKept(s) {
				kept = append(kept, s)
			} else {
				hidden = append(hidden, s)
			}
		}
		hidden = merge(append(hidden, hide...))
		kept = slices.DeleteFunc(kept, func(k span) bool { return overlapsAny(k, hidden) })
		redacted, c := compose(text, hidden)
		var extra []span
		for _, f := range privacy.Scan(redacted, privacy.DefaultMinScore) {
			s := span{start: c.original(f.Start, false), end: c.original(f.End, true), typ: f.Type, score: f.Score}
			if !isKept(s) {
				extra = append(extra, s)
			}
		}
		if len(extra) == 0 {
			return result(text, u, hidden, kept, detected, redacted, c), nil
		}
		detected = append(detected, extra...)
	}
	return Preview{}, fmt.Errorf("the text could not be redacted in %d rounds; shorten it or hide more of it yourself", maxRounds)
}

// merge sorts spans and joins overlapping ones; a joined span takes the
// type of its longest part.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.start < out[n-1].end {
			last := &out[n-1]
			if s.end-s.start > last.end-last.start {
				last.typ = s.typ
			}
			last.end = max(last.end, s.end)
			last.score = max(last.score, s.score)
			last.member = last.member || s.member
			continue
		}
		out = append(out, s)
	}
	return out
}

func overlapsAny(s span, spans []span) bool {
	return slices.ContainsFunc(spans, func(o span) bool { return s.start < o.end && o.start < s.end })
}

// composition maps offsets of a redacted text back to the original.
type composition struct {
	// pieces[i] starts at redacted offset at and original offset orig; a
	// placeholder piece stands for original[orig:origEnd].
	pieces []piece
}

type piece struct {
	at, orig, origEnd int
	placeholder       bool
	length            int
}

// compose replaces the hidden spans (sorted, disjoint) by placeholders.
func compose(text string, hidden []span) (string, composition) {
	var b strings.Builder
	var c composition
	prev := 0
	add := func(p piece, s string) {
		p.at, p.length = b.Len(), len(s)
		c.pieces = append(c.pieces, p)
		b.WriteString(s)
	}
	for _, h := range hidden {
		add(piece{orig: prev, origEnd: h.start}, text[prev:h.start])
		add(piece{orig: h.start, origEnd: h.end, placeholder: true}, privacy.Placeholder(h.typ))
		prev = h.end
	}
	add(piece{orig: prev, origEnd: len(text)}, text[prev:])
	return b.String(), c
}

// original maps an offset of the redacted text back to the original. A
// span's start inside a placeholder maps to the start of what the
// placeholder replaced, its end to the end, so that the span covers it.
func (c composition) original(p int, end bool) int {
	for _, pc := range c.pieces {
		inside := pc.at <= p && p < pc.at+pc.length
		if end {
			inside = pc.at < p && p <= pc.at+pc.length
		}
		if !inside {
			continue
		}
		if pc.placeholder {
			if end {
				return pc.origEnd
			}
			return pc.orig
		}
		return pc.orig + p - pc.at
	}
	last := c.pieces[len(c.pieces)-1]
	return last.origEnd // p is the end of an empty text
}

// redactedOffset maps an original offset outside every hidden span to the
// redacted text.
func (c composition) redactedOffset(o int) int {
	for _, pc := range c.pieces {
		if !pc.placeholder && o >= pc.orig && o <= pc.origEnd {
			return pc.at + o - pc.orig
		}
	}
	return 0
}

func result(text string, u units, hidden, kept, detected []span, redacted string, c composition) Preview {
	p := Preview{Text: text, Redacted: redacted, Spans: []Shown{}, Kept: []Kept{}}
	mark := func(s span) Mark { return Mark{Start: u.unit(s.start), End: u.unit(s.end), Type: s.typ} }
	for _, h := range hidden {
		sh := Shown{Mark: mark(h), Score: h.score, Hidden: true, Member: h.member, Parts: []Mark{}}
		for _, d := range detected {
			if d.start >= h.start && d.end <= h.end {
				sh.Parts = append(sh.Parts, mark(d))
			}
		}
		p.Spans = append(p.Spans, sh)
	}
	var inRedacted []privacy.Span
	for _, k := range kept {
		p.Spans = append(p.Spans, Shown{Mark: mark(k), Score: k.score, Parts: []Mark{mark(k)}})
		inRedacted = append(inRedacted, privacy.Span{Start: c.redactedOffset(k.start), End: c.redactedOffset(k.end), Type: k.typ})
	}
	slices.SortFunc(p.Spans, func(a, b Shown) int { return a.Start - b.Start })
	slices.SortFunc(inRedacted, func(a, b privacy.Span) int { return a.Start - b.Start })
	for _, s := range privacy.RuneOffsets(redacted, inRedacted) {
		p.Kept = append(p.Kept, Kept{Field: "", Start: s.Start, End: s.End, Type: s.Type})
	}
	return p
}

func typeList() string {
	var names []string
	for _, t := range privacy.Types {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}
