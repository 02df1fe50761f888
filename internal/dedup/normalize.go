package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeText returns the form of s that exact fingerprints hash, so that
// texts differing only in how they were typed, pasted or encoded get the same
// [DNA]. It applies, rune by rune:
//
//  1. Bytes that are not valid UTF-8 are dropped.
//  2. Every white-space rune (unicode.IsSpace: tabs, line breaks, no-break
//     and ideographic spaces, …) counts as a space; runs of spaces become one
//     space, and leading and trailing spaces are removed.
//  3. Format characters (category Cf: zero-width space and joiners, soft
//     hyphen, byte-order mark, bidirectional marks), other control characters
//     and nonspacing or enclosing marks (Mn, Me: combining accents, variation
//     selectors) are dropped.
//  4. Fullwidth ASCII (U+FF01–U+FF5E) becomes ASCII; the ligatures U+FB00–
//     U+FB06 are spelt out; ß and ẞ become "ss" (full case folding).
//  5. Curly, low and angle quotation marks, primes, the modifier apostrophe
//     and the grave and acute accents typed as apostrophes become ' or "; hyphen, dash and minus variants become -;
//     the ellipsis becomes "...".
//  6. Letters are case-folded: each rune becomes the lower case of its
//     upper case, so K (Kelvin sign), ſ (long s) and ς (final sigma) fold
//     like k, s and σ.
//  7. Precomposed letters lose their diacritics (é→e, Ω with tonos→ω,
//     й→и; see diacriticBase), which with step 3 makes precomposed and
//     decomposed spellings equal. The standard library has no Unicode
//     normalisation (NFC/NFKC), and folding accents away is the only way to
//     get that equality without it; it also makes adding or removing accents
//     useless as a way to pass a copy off as new data.
//
// Other punctuation, digits and letters without a decomposition (ø, ł, æ)
// are kept. NormalizeText is idempotent.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is owed before the next kept rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if dropped(r) {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r >= 0x80 {
			if t, ok := spelt[r]; ok {
				b.WriteString(t)
				continue
			}
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// dropped reports runes that carry no text of their own and are commonly
// inserted, on purpose or by editors, without changing what a reader sees.
func dropped(r rune) bool {
	if r < 0x80 {
		return r < 0x20 || r == 0x7F
	}
	return unicode.In(r, unicode.Cf, unicode.Cc, unicode.Mn, unicode.Me)
}

// spelt maps runes that stand for several ASCII characters.
var spelt = map[rune]string{
	'ß':    "ss",
	'ẞ':    "ss",
	0xFB00: "ff",
	0xFB01: "fi",
	0xFB02: "fl",
	0xFB03: "ffi",
	0xFB04: "ffl",
	0xFB05: "st",
	0xFB06: "st",
	0x2026: "...",
}

// punctuation maps typographic variants to the ASCII character a keyboard
// would produce, since word processors substitute them as one types.
var punctuation = map[rune]rune{
	0x2018: '\'', 0x2019: '\'', 0x201A: '\'', 0x201B: '\'', 0x2032: '\'',
	0x2035: '\'', 0x02BC: '\'', 0x00B4: '\'',
	0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"',
	0x2036: '"', 0x00AB: '"', 0x00BB: '"', 0x2039: '"', 0x203A: '"',
	0x301D: '"', 0x301E: '"',
	0x2010: '-', 0x2011: '-', 0x2012: '-', 0x2013: '-', 0x2014: '-',
	0x2015: '-', 0x2212: '-', 0xFE58: '-', 0xFE63: '-',
}

// foldRune applies steps 4 to 7 of [NormalizeText] to one rune.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFF01 - 0x21
	}
	if r < 0x80 {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '`':
			r = '\''
		}
		return r
	}
	if p, ok := punctuation[r]; ok {
		return p
	}
	r = foldCase(r)
	if base, ok := diacriticBase[r]; ok {
		// The base of a lower-case letter is lower case, but an upper-case
		// base may come from a rune that has no lower-case partner.
		r = foldCase(base)
	}
	return r
}

// foldCase maps every rune of a case orbit to one member, the lower case
// of its upper case, which unicode.ToLower alone does not do for orbits of
// three or more (k, K, Kelvin sign; σ, ς, Σ; ι, Ι, U+0345, U+1FBE).
func foldCase(r rune) rune {
	return unicode.ToLower(unicode.ToUpper(r))
}

// shingleText reduces normalised text to the words that shingles are cut
// from: maximal runs of letters, numbers and spacing marks, joined by one
// space. Punctuation is not content for near-duplicate detection: a copy
// with its commas moved is still a copy.
func shingleText(normalized string) string {
	var b strings.Builder
	b.Grow(len(normalized))
	gap := false
	for _, r := range normalized {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mc, r) {
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	return b.String()
}
