package privacy

import "strings"

// Domain names outside a URL or an e-mail address: "northwind-meyer.de",
// "mail.example.co.uk". A host name is reported when its last label is a
// top-level domain from a fixed list of the common generic ones and the
// country codes members meet; file names ("index.html", "main.go",
// "README.md") end in labels that are not in it.

const scoreDomain = 0.6

var topLevel = setOf(`com org net edu gov info biz io co ai app dev coop eu de at ch li lu uk fr es
	it nl be dk se no fi pl cz sk hu pt ie gr ro bg hr si us ca au nz jp cn kr in br mx ar ru ua tr
	online shop site store tech xyz cloud blog berlin hamburg koeln bayern wien swiss`)

// domain checks for a domain name whose first label starts at text[i].
func (s *scanner) domain(i int) {
	t := s.text
	if i < s.urlEnd || i < s.domEnd || i > 0 && strings.IndexByte("@./:-_", t[i-1]) >= 0 {
		return
	}
	p, labels, last := i, 0, 0
	for p < len(t) && p-i < maxDomain {
		e := p
		for e < len(t) && (asciiAlnum(t[e]) || t[e] == '-') {
			e++
		}
		if e == p || e-p > 63 || t[p] == '-' || t[e-1] == '-' {
			break
		}
		labels++
		last = p
		p = e
		if p+1 < len(t) && t[p] == '.' && asciiAlnum(t[p+1]) {
			p++
			continue
		}
		break
	}
	s.domEnd = p // the words inside were examined with it
	if labels < 2 || !topLevel[lowerASCII(t[last:p])] {
		return
	}
	if p < len(t) && (t[p] == '@' || alnumAt(t, p) || t[p] == '_') {
		return // the local part of an e-mail address, or not a name
	}
	typ := DomainName
	end := p
	if p < len(t) && t[p] == '/' {
		typ, end = URL, urlEnd(t, p)
		for end > p && strings.IndexByte(".,;:!?'", t[end-1]) >= 0 {
			end--
		}
	}
	s.urlEnd = end
	s.add(candidate{start: i, end: end, typ: typ, base: scoreDomain})
}
