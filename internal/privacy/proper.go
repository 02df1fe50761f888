package privacy

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Proper names without a cue word: a run of capitalised words is read
// against the gazetteers and a few grammars, the way a gazetteer-backed
// named-entity tagger reads it.
//
//   - Persons: a known given name followed by capitalised words ("Nora
//     Tester", "Anna Maria Schmidt"); a pair of capitalised words inside a
//     sentence that are not ordinary words ("Rico Kuvalis"), higher when
//     the second is a listed surname; a known given name alone, lower when
//     it starts a sentence.
//   - Places: the longest run of words that the city or country list holds
//     ("Frankfurt am Main", "New York"); a place that is also an ordinary
//     word ("Essen", "Reading") only after "in", "from", "aus", "nach"….
//   - Organisations: a run that ends in a legal form ("Schmidt GmbH", "Acme
//     Inc.", "Tennisclub Grün-Weiß e.V.") or holds a word that names an
//     institution ("Deutsche Bank", "University of Oxford", "Technische
//     Universität München").
//
// Capitalised German nouns, sentence-initial words and the words in
// notNames are not names by themselves: a person needs a given name from
// the list or two unambiguous name-list words, and a place needs the list.

const (
	scoreGivenFull     = 0.8  // Anna Schmidt
	scoreGivenSurname  = 0.85 // Anna Schmidt, with Schmidt in the surname list
	scoreGivenAmbFull  = 0.65 // Will Turner: "will" is also a word
	scoreGivenAlone    = 0.6  // … said Anna.
	scoreGivenInitial  = 0.55 // Anna said …
	scoreTwoNames      = 0.6  // Jailyn Welch: an unknown word before a listed surname
	scoreUnknownPair   = 0.55 // Rico Kuvalis: two capitalised words that are no words
	scorePlace         = 0.6  // Hamburg
	scorePlaceInitial  = 0.55 // Hamburg is …
	scorePlaceCue      = 0.75 // in Hamburg
	scoreOrgLegal      = 0.8  // Schmidt GmbH
	scoreOrgKeyword    = 0.7  // Deutsche Bank
	scoreOrgCompound   = 0.6  // Commerzbank
	maxRunWords        = 6
	maxGivenPersonSpan = 4
)

// orgWords name institutions when they stand in a run of capitalised words.
var orgWords = setOf(`Bank Sparkasse Volksbank Raiffeisenbank University Universität Universitaet
	College Hochschule Fachhochschule Institute Institut Institution School Schule Gymnasium
	Akademie Academy Hospital Klinikum Klinik Clinic Krankenhaus Foundation Stiftung Association
	Verein Verband Society Gesellschaft Group Gruppe Holding Holdings Partners Partner Consulting
	Corporation Company Industries Technologies Technology Systems Solutions Services Software
	Labs Media Verlag Werke Stadtwerke Versicherung Insurance Museum Ministry Ministerium
	Council Agency Agentur Behörde Amt Bundesamt Landesamt Trust Capital Ventures Airlines
	Airways Motors Pharma Electronics Energy Energie Logistics Logistik Telekom Bahn Post
	Times Journal Zeitung Kirche Church Gemeinde Genossenschaft Cooperative Club Verlagsgruppe
	Studios Entertainment Enterprises Bakery Bäckerei Restaurant Hotel Apotheke Pharmacy`)

// orgLegal are legal forms that end an organisation's name.
var orgLegal = setOf(`GmbH AG Inc Inc. Ltd Ltd. LLC LLP Corp Corp. Co. KG KGaA SE plc PLC GbR UG OHG
	mbH e.V. eV S.A. SA SAS SARL S.p.A. SpA N.V. B.V. NV BV AB ASA Oy A/S ApS Pty LP`)

// orgCompounds end German compound names of institutions ("Commerzbank",
// "Allianz Versicherung" is a run); only in a run of two or more words or
// with a legal form, since "Datenbank" is a database.
var orgCompounds = []string{"bank", "kasse", "versicherung", "werke", "verlag", "klinik", "stiftung"}

// placeCues are the words before a place that make it one ("in Essen");
// strongPlaceCues stand before places but rarely before persons, so they
// make "in Florence" a place although Florence is a given name too ("from
// Anna", "von Anna", "bei Anna" are persons).
var (
	placeCues       = setOf(`in from to at near aus nach bei von im zu ab via Richtung`)
	strongPlaceCues = setOf(`in near aus nach im via Richtung`)
)

// weekdays and months are capitalised but are not names.
var calendarWords = setOf(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday Montag Dienstag
	Mittwoch Donnerstag Freitag Samstag Sonntag Sonnabend January February March April June July
	August September October November December Januar Februar März Mai Juni Juli Oktober Dezember
	Today Tomorrow Yesterday Heute Morgen Gestern`)

// Gaps between the words of a run.
const (
	gapNone     = iota
	gapParticle // "Frankfurt am Main", "Anna von Stein"
	gapAmp      // "Müller & Schmidt GmbH"
)

// run is a run of capitalised words: their bounds, what the gap before each
// is, and their gazetteer flags.
type run struct {
	ws, we [maxRunWords]int
	gap    [maxRunWords]uint8
	fl     [maxRunWords]gaz
	n      int
}

// proper reads the run of capitalised words that starts at text[i] and
// returns its end; the scanner does not start another run inside it.
func (s *scanner) proper(i int) int {
	t := s.text
	g := gazetteers()
	var r run
	gap := uint8(gapNone)
	for p := i; r.n < maxRunWords; {
		e := nameWord(t, p)
		if e == p {
			if lf := legalForm(t, p); r.n > 0 && lf != "" && gap == gapNone {
				r.ws[r.n], r.we[r.n], r.gap[r.n], r.fl[r.n] = p, p+len(lf), gap, g.flags(lf)
				r.n++
			}
			break
		}
		f := g.flags(t[p:e])
		if f&gStop != 0 {
			break
		}
		r.ws[r.n], r.we[r.n], r.gap[r.n], r.fl[r.n] = p, e, gap, f
		r.n++
		if e+1 >= len(t) || t[e] != ' ' {
			break
		}
		p, gap = e+1, gapNone
		if p+2 < len(t) && t[p] == '&' && t[p+1] == ' ' {
			p, gap = p+2, gapAmp
			continue
		}
		// Particles inside a place or a name: "Frankfurt am Main",
		// "Anna von Stein".
		for k := 0; k < 2; k++ {
			pe := wordEnd(t, p)
			if pe > p && pe < len(t) && t[pe] == ' ' && nameParticles[t[p:pe]] {
				p, gap = pe+1, gapParticle
			}
		}
	}
	if r.n == 0 {
		return wordEnd(t, i)
	}
	end := r.we[r.n-1]
	initial := sentenceStart(t, i)
	for k := 0; k < r.n; {
		if m, e := s.organisation(&r, k); m > 0 {
			end = max(end, e)
			k += m
			continue
		}
		if m := s.place(g, &r, k, k == 0 && initial); m > 0 {
			k += m
			continue
		}
		if m := s.gazPerson(&r, k, k == 0 && initial); m > 0 {
			k += m
			continue
		}
		k++
	}
	return end
}

// legalTail extends a legal form ending at p over what may follow it:
// "." (Inc.), " & Co. KG", " mbH & Co. KGaA".
func legalTail(t string, p int) int {
	if p < len(t) && t[p] == '.' && p+1 < len(t) && t[p+1] != ' ' {
		return p // "Co.KG" is read as a whole below
	}
	if p < len(t) && t[p] == '.' && orgLegal[t[wordStartBefore(t, p):p+1]] {
		p++ // "Inc.", "Co."
	}
	for k := 0; k < 3; k++ {
		q := p
		if strings.HasPrefix(t[q:], " & ") {
			q += 3
		} else if q < len(t) && t[q] == ' ' {
			q++
		} else {
			break
		}
		lf := legalForm(t, q)
		if lf == "" {
			break
		}
		p = q + len(lf)
	}
	return p
}

// wordStartBefore returns the start of the ASCII word that ends at p.
func wordStartBefore(t string, p int) int {
	b := p
	for b > 0 && asciiLetter(t[b-1]) {
		b--
	}
	return b
}

// legalForm returns the legal form token at text[p] ("AG", "e.V.", "Inc."),
// or "".
func legalForm(t string, p int) string {
	e := p
	for e < len(t) && e-p < 6 && (asciiAlnum(t[e]) || t[e] == '.' || t[e] == '/') {
		e++
	}
	if e < len(t) && alnumAt(t, e) {
		return ""
	}
	w := t[p:e]
	if orgLegal[w] {
		return w
	}
	if strings.HasPrefix(w, "Co.") && (len(w) == 3 || orgLegal[w[3:]]) {
		return w // "Co.", "Co.KG"
	}
	// A sentence's full stop may follow: "… bei der Schmidt AG."
	if strings.HasSuffix(w, ".") && orgLegal[w[:len(w)-1]] {
		return w[:len(w)-1]
	}
	return ""
}

// organisation adds an organisation that starts with word k of the run
// and returns how many words it took and where it ends: a legal form at
// the end of the words without a particle between them, or an
// institution word among them at most three words after k.
func (s *scanner) organisation(r *run, k int) (int, int) {
	t := s.text
	e := k + 1
	for e < r.n && r.gap[e] != gapParticle {
		e++
	}
	for j := min(e-1, k+4); j > k; j-- {
		w := t[r.ws[j]:r.we[j]]
		if r.fl[j]&gOrgLegal != 0 || w == "Co" && r.we[j] < len(t) && t[r.we[j]] == '.' {
			end := legalTail(t, r.we[j])
			s.add(candidate{start: r.ws[k], end: end, typ: Organization, base: scoreOrgLegal})
			return j + 1 - k, end
		}
	}
	for j := k; j < e && j <= k+3; j++ {
		w := t[r.ws[j]:r.we[j]]
		if r.fl[j]&gOrgWord == 0 && !(e-k >= 2 && compoundOrg(w)) {
			continue
		}
		end := r.we[e-1]
		if j == e-1 {
			end = ofPhrase(t, end)
		}
		if end == r.we[k] && j == k {
			return 0, 0 // "Bank" alone
		}
		s.add(candidate{start: r.ws[k], end: end, typ: Organization, base: scoreOrgKeyword})
		return e - k, end
	}
	return 0, 0
}

func compoundOrg(w string) bool {
	if len(w) < 7 || len(w) > maxKeywordLen {
		return false
	}
	var buf [maxKeywordLen]byte
	l := foldASCII(buf[:0], w)
	for _, c := range orgCompounds {
		if bytes.HasSuffix(l, []byte(c)) {
			return true
		}
	}
	return false
}

// ofPhrase extends an institution at its end with " of Oxford", " für
// Informatik", " der Künste": up to three capitalised words.
func ofPhrase(t string, end int) int {
	if end >= len(t) || t[end] != ' ' {
		return end
	}
	p := end + 1
	w := wordEnd(t, p)
	switch t[p:w] {
	case "of", "für", "for", "der", "des", "de", "di":
	default:
		return end
	}
	p = w
	for k := 0; k < 3 && p < len(t) && t[p] == ' '; k++ {
		e := nameWord(t, p+1)
		if e == p+1 || notNames[t[p+1:e]] {
			break
		}
		end, p = e, e
	}
	return end
}

// place adds the longest place that starts with word k of the run and
// returns how many words it took, 0 if none.
func (s *scanner) place(g *gazetteer, r *run, k int, initial bool) int {
	t := s.text
	head := r.fl[k]
	if head&(gPlace|gPlaceHead) == 0 {
		return 0
	}
	cue, strong := placeCueBefore(t, r.ws[k])
	for m := min(r.n-k, maxPlaceWords); m >= 1; m-- {
		if m > 1 && r.gap[k+m-1] == gapAmp {
			continue
		}
		f := head
		if m > 1 {
			f = g.flags(t[r.ws[k]:r.we[k+m-1]])
		}
		if f&gPlace == 0 {
			continue
		}
		// A given name or a place followed by a name is a person: "Paris
		// Hilton", "Cheyenne Feil"; a given name alone is one too, unless
		// "in" or "from" comes before it.
		if m == 1 && k+1 < r.n && r.gap[k+1] == gapNone && r.fl[k+1]&(gSurname|gGiven) != 0 && r.fl[k+1]&gPlace == 0 {
			return 0
		}
		if m == 1 && head&gGiven != 0 && !strong && !s.afterStreet(r.ws[k]) {
			return 0
		}
		score := scorePlace
		switch {
		case cue:
			score = scorePlaceCue
		case f&gWord != 0:
			return 0 // "Essen ist fertig": a place that is a word wants a cue
		case initial:
			score = scorePlaceInitial
		}
		s.add(candidate{start: r.ws[k], end: qualifier(t, r.we[k+m-1]), typ: Location, base: score})
		return m
	}
	return 0
}

// qualifier extends a place ending at p over a parenthesised qualifier of
// capitalised words: "Oldenburg (Oldenburg)", "Lingen (Ems)".
func qualifier(t string, p int) int {
	if p+3 >= len(t) || t[p] != ' ' || t[p+1] != '(' {
		return p
	}
	q := p + 2
	for k := 0; k < 3; k++ {
		e := nameWord(t, q)
		if e == q {
			return p
		}
		q = e
		if q < len(t) && t[q] == ')' {
			return q + 1
		}
		if q+1 >= len(t) || t[q] != ' ' {
			return p
		}
		q++
	}
	return p
}

// afterStreet reports whether a street address ends with ", " before i:
// "42 Wallaby Way, Sydney" names the city, not a person.
func (s *scanner) afterStreet(i int) bool {
	if i < 2 || s.text[i-2] != ',' || s.text[i-1] != ' ' {
		return false
	}
	for k := len(s.cands) - 1; k >= 0 && k >= len(s.cands)-8; k-- {
		if c := s.cands[k]; c.typ == StreetAddress && c.end == i-2 {
			return true
		}
	}
	return false
}

// placeCueBefore reports whether "in", "from", "aus"… stands right before
// the word at i, and whether it is one of the strong ones.
func placeCueBefore(t string, i int) (cue, strong bool) {
	if i < 2 || t[i-1] != ' ' {
		return false, false
	}
	b := i - 1
	for b > 0 && asciiLetter(t[b-1]) {
		b--
	}
	if alnumBefore(t, b) {
		return false, false
	}
	w := t[b : i-1]
	return placeCues[w], strongPlaceCues[w]
}

// gazPerson adds a person that starts with word k of the run and returns
// how many words it took, 0 if none.
func (s *scanner) gazPerson(r *run, k int, initial bool) int {
	first := r.fl[k]
	more, gaps := 0, false // name words after the first
	for j := k + 1; j < r.n && j-k < maxGivenPersonSpan; j++ {
		f := r.fl[j]
		if r.gap[j] == gapAmp || r.gap[j] == gapParticle && j > k+1 || f&(gOrgWord|gOrgLegal|gStreetWord) != 0 ||
			f&gPlace != 0 && f&(gSurname|gGiven) == 0 ||
			f&gWord != 0 && f&(gSurname|gGiven) == 0 {
			break
		}
		gaps = gaps || r.gap[j] != gapNone
		more++
	}
	end := r.we[k+more]
	last := r.fl[k+more]
	given := first&gGiven != 0 && first&gWord == 0
	switch {
	case given && more > 0:
		score := scoreGivenFull
		if last&gSurname != 0 && last&gWord == 0 {
			score = scoreGivenSurname
		}
		s.addPerson(r.ws[k], end, score)
		return more + 1
	case first&gGiven != 0 && more > 0:
		if initial && (last&gSurname == 0 || last&gWord != 0) {
			return 0 // "Will Power" at a sentence's start
		}
		s.addPerson(r.ws[k], end, scoreGivenAmbFull)
		return more + 1
	case given:
		score := scoreGivenAlone
		if initial {
			score = scoreGivenInitial
		}
		s.addPerson(r.ws[k], end, score)
		return 1
	case more > 0 && !gaps && !initial && first&(gWord|gPlace) == 0 && last&gWord == 0 &&
		(last&gPlace == 0 || last&gSurname != 0) &&
		!adjectiveEnding(s.text[r.ws[k]:r.we[k]]):
		// A name no list holds, or an unknown given name before a listed
		// surname: "Jailyn Welch", "Rico Kuvalis". Neither word is an
		// ordinary word and the pair does not start a sentence.
		score := scoreUnknownPair
		if last&gSurname != 0 || first&gSurname != 0 {
			score = scoreTwoNames
		}
		s.addPerson(r.ws[k], end, score)
		return more + 1
	}
	return 0
}

// adjectiveEndings are the inflections of German adjectives, which a list
// capitalises ("Neue Funktionen: Schnellere Suche, Bessere Synchronisation")
// and given names rarely end in.
var adjectiveEndings = []string{"ische", "ischen", "ischer", "isches", "liche", "lichen", "licher",
	"liches", "ere", "eren", "erer", "eres", "ige", "igen", "iger", "iges"}

func adjectiveEnding(w string) bool {
	for _, e := range adjectiveEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// sentenceStart reports whether the word at i starts a sentence, a line or
// the text, where every word is capitalised.
func sentenceStart(t string, i int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(t[:i])
		switch {
		case r == ' ' || r == '\t' || r == '"' || r == '\'' || r == '“' || r == '„' || r == '(' || r == '*' || r == '_':
			i -= size
			continue
		case r == '.' || r == '!' || r == '?' || r == '\n' || r == ':' || r == '>' || r == '-' || r == '•' || r == '#':
			return true
		}
		return unicode.IsPunct(r) && r != ','
	}
	return true
}
