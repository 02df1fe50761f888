package privacy

import (
	"unicode"
	"unicode/utf8"
)

// E-mail addresses: a local part and a domain of at least two labels whose
// last is alphabetic (RFC 5321 § 4.1.2 and RFC 1035 labels, with the
// internationalised letters of RFC 6531). Quoted local parts and address
// literals ("user@[192.0.2.1]") are rare in prose and not matched.

const (
	emailScore   = 0.9
	maxLocalPart = 64  // RFC 5321 § 4.5.3.1.1
	maxDomain    = 253 // RFC 1035, without the final dot
	maxLabel     = 63
)

// email checks for an address around the '@' at text[at].
func (s *scanner) email(at int) {
	t := s.text
	start := at
	for start > 0 && at-start <= maxLocalPart {
		r, size := utf8.DecodeLastRuneInString(t[:start])
		if !localRune(r) {
			break
		}
		start -= size
	}
	for start < at && t[start] == '.' {
		start++
	}
	if start == at || at-start > maxLocalPart || t[at-1] == '.' || hasDoubleDot(t[start:at]) {
		return
	}
	end, labels, tldAlpha := at+1, 0, false
	for p := at + 1; ; {
		q := labelEnd(t, p)
		if q == p || q-p > maxLabel || t[p] == '-' || t[q-1] == '-' || q-at-1 > maxDomain {
			break
		}
		labels++
		end, tldAlpha = q, alphabetic(t[p:q])
		if q+1 < len(t) && t[q] == '.' && alnumAt(t, q+1) {
			p = q + 1
			continue
		}
		break
	}
	if labels < 2 || !tldAlpha || end-(at+1) > maxDomain {
		return
	}
	s.add(candidate{start: start, end: end, typ: EmailAddress, base: emailScore})
}

func localRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return asciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
	}
	if zeroWidth(r) {
		return true
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

// labelEnd returns the end of the domain label (letters, digits, hyphens)
// starting at p, or a position past maxLabel for a run too long to be one.
func labelEnd(t string, p int) int {
	for start := p; p < len(t) && p-start <= maxLabel; {
		if c := t[p]; c < utf8.RuneSelf {
			if !asciiAlnum(c) && c != '-' {
				return p
			}
			p++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[p:])
		if r == utf8.RuneError || !alnumRune(r) {
			return p
		}
		p += size
	}
	return p
}

// alphabetic reports whether a top-level domain is all letters, or an
// internationalised one in its ASCII form ("xn--…").
func alphabetic(label string) bool {
	if len(label) < 2 {
		return false
	}
	if len(label) > 4 && label[:4] == "xn--" {
		return true
	}
	for _, r := range label {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func hasDoubleDot(s string) bool {
	for k := 1; k < len(s); k++ {
		if s[k] == '.' && s[k-1] == '.' {
			return true
		}
	}
	return false
}
