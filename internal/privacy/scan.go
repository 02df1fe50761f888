package privacy

import (
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"
)

// DefaultMinScore is the score below which a finding is not reported unless
// the caller asks for a lower threshold. Pure patterns without a context
// word ("0171 1234567" alone) score below it.
const DefaultMinScore = 0.5

// Context windows in bytes: a context word counts when it ends at most
// ctxBefore bytes before a candidate (Presidio looks five words back) or
// starts at most ctxAfter bytes after it ("am 12.05.1990 geboren").
const (
	ctxBefore    = 48
	ctxAfter     = 24
	notPIIBefore = 24
	// notPIIFactor scales a pattern's score when a word such as "version"
	// or "ISBN" comes just before it and no positive context does.
	notPIIFactor = 0.3
)

// Scan returns the personal data found in text with a score of at least
// minScore, sorted by position and without overlaps. Offsets are in bytes.
// Text need not be valid UTF-8; invalid bytes never belong to a finding's
// letters, and a finding never starts or ends inside a valid character.
func Scan(text string, minScore float64) []Span {
	s := scanners.Get().(*scanner)
	*s = scanner{text: text, cands: s.cands[:0], hits: s.hits[:0]}
	s.run()
	spans := s.spans(minScore)
	s.text = ""
	scanners.Put(s)
	return spans
}

// scanners recycles the candidate and context buffers between calls.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

// candidate is a possible finding before context scoring and resolution.
type candidate struct {
	start, end int
	typ        Type
	base       float64 // score without context
	boost      float64 // score when a context word of a kind in ctx is near
	ctx        ctx
	notPII     bool // a ctxNotPII word just before lowers the score
}

// hit is a context word found in the text.
type hit struct {
	start, end int
	ctx        ctx
}

type scanner struct {
	text   string
	cands  []candidate
	hits   []hit
	v6end  int // end of the last colon run examined as an IPv6 address
	urlEnd int // end of the last URL examined; a URL inside it is part of it
	// numEnd is the end of the last number a detector claimed; a number
	// that follows it after a space starts afresh ("geb. 12.05.1990 030 …").
	numEnd int
	// propEnd is the end of the last run of capitalised words read as a
	// proper name; a word inside it does not start another run.
	propEnd int
	// domEnd is the end of the last run of labels examined as a domain.
	domEnd int
}

func (s *scanner) add(c candidate) { s.cands = append(s.cands, c) }

// run is the single pass: it steps over ordinary bytes and hands each anchor
// to the detectors that can start there.
func (s *scanner) run() {
	t := s.text
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c < utf8.RuneSelf && asciiLetter(c):
			i = s.word(i)
		case isDigit(c):
			i = s.number(i)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(t[i:])
			if unicode.IsLetter(r) {
				i = s.word(i)
			} else {
				i += size
			}
		case c == '@':
			s.email(i)
			i++
		case c == '+' || c == '(':
			if i+1 < len(t) && (isDigit(t[i+1]) || t[i+1] == '(') && !alnumBefore(t, i) {
				if end := s.numeric(i); end > i {
					i = end
					continue
				}
			}
			i++
		case c == ':':
			if i+2 < len(t) && t[i+1] == '/' && t[i+2] == '/' {
				s.schemeURL(i)
			} else if i >= s.v6end {
				s.ipv6(i)
			}
			i++
		case c == '<':
			if end := placeholderEnd(t, i); end > i {
				i = end
			} else {
				i++
			}
		default:
			i++
		}
	}
}

// word handles a run of letters and digits starting at i and returns its end.
func (s *scanner) word(i int) int {
	t := s.text
	j := wordEnd(t, i)
	if alnumBefore(t, i) {
		return j // the tail of a word that began with digits, as in "221B"
	}
	if kw, ok := lookup(t, i, j); ok {
		if kw.ctx != 0 {
			s.hits = append(s.hits, hit{i, j, kw.ctx})
		}
		if kw.trig != trigNone {
			s.trigger(kw, i, j)
		}
	}
	if c := t[i]; c-'A' < 26 {
		if j-i >= 4 && t[i+1]-'A' < 26 {
			s.iban(i)
		}
		if numberFollows(t, j) {
			s.streetBySuffix(i, j)
		}
		if germanStreetStarts[t[i:j]] {
			s.streetByStart(i, j)
		}
		if i >= s.propEnd {
			s.propEnd = s.proper(i)
		}
	} else if c >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRuneInString(t[i:]); unicode.IsUpper(r) {
			if numberFollows(t, j) {
				s.streetBySuffix(i, j)
			}
			if germanStreetStarts[t[i:j]] {
				s.streetByStart(i, j)
			}
			if i >= s.propEnd {
				s.propEnd = s.proper(i)
			}
		}
	} else if j-i == 3 && t[i:j] == "www" && j < len(t) && t[j] == '.' {
		s.wwwURL(i)
		return j
	}
	if j+2 < len(t) && (t[j] == '.' || t[j] == '-') && asciiAlnum(t[j+1]) && asciiAlnum(t[i]) {
		s.domain(i)
	}
	return j
}

// trigger runs the detector a keyword at text[i:j] starts.
func (s *scanner) trigger(kw keyword, i, j int) {
	switch kw.trig {
	case trigTitle:
		s.titled(i, j)
	case trigSalutation:
		s.salutation(j)
	case trigIntro:
		s.introduction(i, j)
	case trigIntroVerb:
		s.named(j, scoreIntro)
	case trigSignoff:
		s.signoff(j)
	case trigPassport:
		s.passport(j, false, false)
	case trigPass:
		s.passport(j, true, false)
	case trigIDCard:
		s.passport(j, false, true)
	case trigMonth:
		s.dateMonthFirst(i, j, int(kw.month))
	case trigStreet:
		s.streetByPrefix(i, j)
	case trigLocation:
		s.location(i, j)
	case trigLicence:
		s.licence(j)
	}
}

// number handles a run of digits at i that is not the continuation of an
// earlier number, and returns where the scan continues.
func (s *scanner) number(i int) int {
	t := s.text
	end := digitsEnd(t, i)
	if !numberStart(t, i) && !(i >= 1 && s.numEnd == i-1 && t[i-1] == ' ') {
		return end
	}
	claimed := end
	if e := s.date(i); e > end {
		end = e
	}
	if e := s.timeOfDay(i); e > end {
		end = e
	}
	s.age(i)
	s.zip(i)
	if e := s.numeric(i); e > end {
		end = e
	}
	s.streetByNumber(i)
	if end > claimed {
		s.numEnd = end
	}
	return end
}

// spans scores the candidates against the context words and resolves them.
func (s *scanner) spans(minScore float64) []Span {
	var out []Span
	for k := range s.cands {
		c := &s.cands[k]
		score := c.base
		switch {
		case c.ctx != 0 && s.near(c.start, c.end, c.ctx, ctxBefore, ctxAfter):
			score = c.boost
		case c.notPII && s.near(c.start, c.end, ctxNotPII, notPIIBefore, 0):
			score *= notPIIFactor
		}
		if score > 0 && score >= minScore {
			out = append(out, Span{c.start, c.end, c.typ, score})
		}
	}
	return resolve(out)
}

// near reports whether a context word of a kind in want lies outside
// [start,end), ending at most before bytes ahead of it or starting at most
// after bytes behind it.
func (s *scanner) near(start, end int, want ctx, before, after int) bool {
	k := sort.Search(len(s.hits), func(k int) bool { return s.hits[k].end >= start-before })
	for ; k < len(s.hits) && s.hits[k].start <= end+after; k++ {
		h := s.hits[k]
		if h.ctx&want == 0 || (h.end > start && h.start < end) {
			continue
		}
		if h.end <= start || h.start >= end && h.start-end <= after {
			return true
		}
	}
	return false
}

// numberFollows reports whether a house number may follow the word ending
// at j: " 5" or ". 5" ("Goethestr. 7"). It spares the street detector
// nearly every capitalised word.
func numberFollows(t string, j int) bool {
	if j < len(t) && t[j] == '.' {
		j++
	}
	return j+1 < len(t) && t[j] == ' ' && isDigit(t[j+1])
}

// Character classes. The ASCII tests come first everywhere: most text is
// ASCII and a rune decode per byte would halve the throughput.

func isDigit(c byte) bool     { return c-'0' < 10 }
func asciiLetter(c byte) bool { return (c|0x20)-'a' < 26 }
func asciiAlnum(c byte) bool  { return isDigit(c) || asciiLetter(c) }
func isUpper(c byte) bool     { return c-'A' < 26 }
func alnumRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || zeroWidth(r)
}

// zeroWidth reports the invisible characters that can be slipped between
// the letters of a name or an address ("An\u200bna"): they belong to the
// word they stand in, so that it is still found, and the gazetteers look
// the word up without them.
func zeroWidth(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
		return true
	}
	return false
}
func digitsEnd(t string, i int) int {
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	return i
}

// wordEnd returns the end of the run of letters and digits starting at i.
func wordEnd(t string, i int) int {
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			if !asciiAlnum(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if r == utf8.RuneError || !alnumRune(r) {
			return i
		}
		i += size
	}
	return i
}

// alnumBefore reports whether the character ending at i is a letter or digit.
func alnumBefore(t string, i int) bool {
	if i <= 0 {
		return false
	}
	if c := t[i-1]; c < utf8.RuneSelf {
		return asciiAlnum(c)
	}
	r, _ := utf8.DecodeLastRuneInString(t[:i])
	return r != utf8.RuneError && alnumRune(r)
}

// alnumAt reports whether the character starting at i is a letter or digit.
func alnumAt(t string, i int) bool {
	if i >= len(t) {
		return false
	}
	if c := t[i]; c < utf8.RuneSelf {
		return asciiAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(t[i:])
	return r != utf8.RuneError && alnumRune(r)
}

// numberStart reports whether digits at i start a number rather than
// continue one: "1.2.3.4" is one number, and so are "2024-03-15" and
// "1234 5678 9012 3456"; the detectors saw the whole at its first digit.
func numberStart(t string, i int) bool {
	if alnumBefore(t, i) {
		return false
	}
	if i >= 2 && isDigit(t[i-2]) {
		switch t[i-1] {
		case '.', '-', '/', ',', ' ':
			return false
		}
	}
	return true
}
