package privacy

import "bytes"

// Street addresses in the forms of the languages the cooperative works in:
//
//   - German: a street word and a house number, "Hauptstraße 5",
//     "Berliner Straße 12a", "Goethestr. 7", "Karl-Marx-Allee 34";
//   - English: a house number first, "221B Baker Street",
//     "1600 Pennsylvania Avenue NW", with ", Washington, DC 20500";
//   - French: "12 rue de la Paix"; Spanish and Italian: "Calle Mayor 15",
//     "Via Roma 3".
//
// A postcode and city right after ("…, 10115 Berlin") belong to the span
// and raise the score.

const (
	scoreStreet     = 0.7
	scoreStreetCity = 0.85
	streetCtxBonus  = 0.15
	maxStreetScore  = 0.95
)

// germanSuffixes end a German street name, in lower case.
var germanSuffixes = []string{
	"straße", "strasse", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer",
	"chaussee", "pfad", "steig", "markt", "graben", "kai", "promenade", "zeile",
}

// notStreets are compound nouns that end like a street and are followed by a
// number in ordinary prose ("Parkplatz 12", "Arbeitsmarkt 2024").
var notStreets = setOf(`parkplatz arbeitsplatz sitzplatz stellplatz spielplatz marktplatz supermarkt
	arbeitsmarkt wochenmarkt umweg ausweg rückweg heimweg`)

// englishSuffixes end an English street name, as written.
var englishSuffixes = setOf(`Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct
	Place Pl Way Terrace Square Sq Parkway Pkwy Highway Hwy Close Crescent Row Mews Circle Alley
	Trail`)

// frenchStreets start a French street name, in lower case.
var frenchStreets = setOf(`rue avenue boulevard bd place chemin allée impasse quai route cours`)

// notStreetStarts are capitalised words that do not name a street when they
// come before a standalone street word ("Der Weg 3"); "Am Markt 3" does.
var notStreetStarts = setOf(`Der Die Das Den Dem Des Ein Eine Einen The This That Dieser Diese Dieses
	Jeder Kein Keine Mein Meine Unser Unsere Ihr Ihre Sein Seine Auf Über Unter Vor Nach`)

func (s *scanner) addStreet(start, end int, score float64) {
	s.add(candidate{start: start, end: end, typ: StreetAddress, base: score,
		boost: min(score+streetCtxBonus, maxStreetScore), ctx: ctxAddress})
	s.personBefore(start, scoreNextToAddr)
}

// streetBySuffix checks for a German street at the capitalised word
// text[i:j]: "Hauptstraße 5", "Berliner Straße 12a", "Goethestr. 7".
func (s *scanner) streetBySuffix(i, j int) {
	t := s.text
	if j-i < 3 || j-i > maxKeywordLen {
		return
	}
	var buf [maxKeywordLen]byte
	word := foldASCII(buf[:0], t[i:j])
	suffix := ""
	for _, x := range germanSuffixes {
		if bytes.HasSuffix(word, []byte(x)) {
			suffix = x
			break
		}
	}
	if suffix == "" || notStreets[string(word)] {
		return
	}
	standalone := len(word) == len(suffix)
	if !standalone && len(word)-len(suffix) < 3 {
		return // "String", "Spring"
	}
	p := j
	if suffix == "str" {
		if p >= len(t) || t[p] != '.' {
			return
		}
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return
	}
	end := houseNumber(t, p+1, 3)
	if end == p+1 {
		return
	}
	start := i
	if standalone || start > 0 && t[start-1] == '-' {
		// "Berliner Straße", "Karl-Marx-Allee": the words before belong to it.
		for k := 0; k < 3 && start > 1 && (t[start-1] == ' ' && k == 0 || t[start-1] == '-'); k++ {
			b := nameWordBefore(t, start-1)
			if b < 0 || notStreetStarts[t[b:start-1]] {
				break
			}
			start = b
		}
		if standalone && start == i {
			return // "Weg 3": a street word without a name
		}
	}
	score := scoreStreet
	if e := postcodeCity(t, end); e > end {
		end, score = e, scoreStreetCity
	}
	s.addStreet(start, end, score)
}

// streetByNumber checks for an English or French address that starts with
// the house number at text[i].
func (s *scanner) streetByNumber(i int) {
	t := s.text
	p := houseNumber(t, i, 5)
	if p == i || p >= len(t) || t[p] != ' ' || p-i == 4 && isDigit(t[i+3]) && yearLike(t[i:p]) {
		return // "In 2008 Wall Street …" is a year, not a house number
	}
	p++
	we := wordEnd(t, p)
	if frenchStreets[lowerASCII(t[p:we])] {
		if end := frenchStreetName(t, we); end > we {
			s.addStreet(i, end, scoreStreet)
		}
		return
	}
	end := 0
	for k := 0; k < 4; k++ {
		we := nameWord(t, p)
		if we == p {
			break
		}
		if k > 0 && englishSuffixes[t[p:we]] {
			end = we
		}
		if we+1 >= len(t) || t[we] != ' ' {
			break
		}
		p = we + 1
	}
	if end == 0 {
		return
	}
	if e := direction(t, end); e > end {
		end = e
	}
	score := scoreStreet
	if e := cityStateZIP(t, end); e > end {
		end, score = e, scoreStreetCity
	}
	s.addStreet(i, end, score)
}

// streetByPrefix checks for a Spanish or Italian street that starts with
// the word text[i:j]: "Calle Mayor 15", "Via Roma 3".
func (s *scanner) streetByPrefix(i, j int) {
	t := s.text
	if !isUpper(t[i]) {
		return
	}
	p := j
	if p < len(t) && t[p] == '.' {
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return
	}
	nameEnd, n := names(t, p+1)
	if n == 0 {
		return
	}
	p = nameEnd
	if p < len(t) && t[p] == ',' {
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return
	}
	end := houseNumber(t, p+1, 4)
	if end == p+1 {
		return
	}
	score := scoreStreet
	if e := postcodeCity(t, end); e > end {
		end, score = e, scoreStreetCity
	}
	s.addStreet(i, end, score)
}

// houseNumber returns the end of a house number at p ("5", "12a", "221B",
// "12-14"), or p.
func houseNumber(t string, p, maxDigits int) int {
	e := digitsEnd(t, p)
	if e == p || e-p > maxDigits || t[p] == '0' {
		return p
	}
	if e < len(t) && asciiLetter(t[e]) && !alnumAt(t, e+1) {
		e++
	} else if e+1 < len(t) && (t[e] == '-' || t[e] == '/') && isDigit(t[e+1]) {
		e = digitsEnd(t, e+1)
	}
	if alnumAt(t, e) || e+1 < len(t) && (t[e] == '.' || t[e] == ',') && isDigit(t[e+1]) {
		return p // "3.5 km", "3,5"
	}
	return e
}

// postcodeCity returns the end of ", 10115 Berlin" or " 10115 Berlin" after
// a house number ending at p, or p.
func postcodeCity(t string, p int) int {
	q := p
	if q < len(t) && t[q] == ',' {
		q++
	}
	if q >= len(t) || t[q] != ' ' {
		return p
	}
	q++
	e := digitsEnd(t, q)
	if e-q < 4 || e-q > 5 || e >= len(t) || t[e] != ' ' {
		return p
	}
	if end, n := names(t, e+1); n > 0 && n <= 3 {
		return end
	}
	return p
}

// cityStateZIP returns the end of ", Washington, DC 20500" after an
// English street ending at p, or p.
func cityStateZIP(t string, p int) int {
	if p+2 >= len(t) || t[p] != ',' || t[p+1] != ' ' {
		return p
	}
	q, n := names(t, p+2)
	if n == 0 || q+6 >= len(t) || t[q] != ',' || t[q+1] != ' ' || !isUpper(t[q+2]) || !isUpper(t[q+3]) || t[q+4] != ' ' {
		return p
	}
	zs := q + 5
	ze := digitsEnd(t, zs)
	if ze-zs != 5 {
		return p
	}
	if ze+1 < len(t) && t[ze] == '-' && digitsEnd(t, ze+1)-(ze+1) == 4 {
		ze += 5
	}
	if alnumAt(t, ze) {
		return p
	}
	return ze
}

// direction returns the end of a compass direction after a street ("NW"),
// or p.
func direction(t string, p int) int {
	if p >= len(t) || t[p] != ' ' {
		return p
	}
	we := wordEnd(t, p+1)
	switch t[p+1 : we] {
	case "N", "S", "E", "W", "NE", "NW", "SE", "SW":
		return we
	}
	return p
}

// frenchStreetName returns the end of "de la Paix" after a French street
// word ending at p, or p.
func frenchStreetName(t string, p int) int {
	end := p
	for k := 0; k < 5 && p < len(t) && t[p] == ' '; k++ {
		q := p + 1
		if we := nameWord(t, q); we > q {
			end, p = we, we
			continue
		}
		we := wordEnd(t, q)
		switch t[q:we] {
		case "de", "du", "des", "la", "le", "l", "d":
			if we < len(t) && t[we] == '\'' {
				we++
				if nw := nameWord(t, we); nw > we {
					end, p = nw, nw
					continue
				}
			}
			p = we
			continue
		}
		break
	}
	return end
}

// yearLike reports whether four digits read as a year of the last or this
// century.
func yearLike(d string) bool {
	return d[:2] == "19" || d[:2] == "20"
}
