package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Person names, found only where the text announces one: after a title
// ("Dr. Anna Schmidt", "Herr Müller"), an introduction ("my name is …",
// "ich heiße …", "je m'appelle …", "Name: …"), a salutation ("Dear …",
// "Hallo …") or a sign-off ("Best regards, …"), and as a pair of
// capitalised words right before a street address or "wohnt in". The span
// covers the name without the title, as a named-entity tagger's would.
//
// A name is one to four capitalised words ("Hans-Peter", "O'Brien",
// "Özdemir"), with initials ("John F. Kennedy") and lower-case particles
// ("Anna von Stein", "Juan de la Cruz") between them.

const (
	scoreTitleFull  = 0.85 // Dr. Anna Schmidt
	scoreTitleOne   = 0.75 // Herr Müller
	scoreTitle      = 0.6  // the "Dr." itself
	scoreIntro      = 0.85 // my name is Maria Garcia
	scoreGreetFull  = 0.75 // Dear John Smith
	scoreGreetOne   = 0.7  // Hallo Anna
	scoreSignoff    = 0.6  // Best regards, Laura Chen
	scoreNextToAddr = 0.7  // Erika Mustermann, Heidestraße 17
	scoreResident   = 0.65 // Peter Schmidt wohnt in Hamburg
	maxNameWords    = 4
)

// notNames are capitalised words that follow a salutation, title or
// sign-off without being a name, or start a sentence.
var notNames = setOf(`All Everyone Everybody World Team Friends Friend Colleagues Customer Customers
	Sir Sirs Madam There Guys Folks Members Member Support Admin Hiring Manager Hello Thanks
	Kunde Kundin Kunden Kollegen Kolleginnen Kollege Kollegin Zusammen Leute Welt Damen Herren
	Mitglieder Sie Du Ihr Euch Dich Dir Ihnen Grüße Gruß Dank Vielen Tout Todos Amigos Equipo
	I We You He She It They The This That These Those And Or But Und Oder Aber Der Die Das Den Dem
	Des Ein Eine Einen Mein Meine Dein Deine Sein Seine Unser Unsere Our My Your His Her Their
	Wir Er Es Ich Le La Les Un Une El Los Las Una Il Lo Gli
	Wer Was Wie Wo Wann Warum Welche Welcher Welches Wessen Wem Wen Woher Wohin Auch Noch Nur
	Schon Dann Wenn Weil Als Ob Doch Hier Dort Jetzt Bitte Danke Ja Nein Nicht Kein Keine Mit Für
	Who What When Where Why How Which Whose Whom Also Then Here There Now Yes No Not Please If
	As So Yet Still Just Only`)

// nameParticles may stand between the words of a name.
var nameParticles = setOf(`von van der den de da del della di du la le zu ten ter bin ibn al el dos das do y am an im upon sur`)

// setOf makes a set of the words of a space-separated list.
func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func (s *scanner) addPerson(start, end int, score float64) {
	s.add(candidate{start: start, end: end, typ: Person, base: score})
}

// titled reads the name after the title at text[i:j].
func (s *scanner) titled(i, j int) {
	t := s.text
	if !isUpper(t[i]) {
		return // "miss", "frau" in lower case are a verb and a noun
	}
	p := j
	if p < len(t) && t[p] == '.' {
		p++
	}
	titleEnd := p
	for range 3 { // "Prof. Dr.", "Dr. med.", "Dr. rer. nat."
		titleEnd = p
		q := skipSpaces(t, p)
		if q == p {
			return
		}
		p = q
		we := wordEnd(t, p)
		kw, ok := lookup(t, p, we)
		dot := we < len(t) && t[we] == '.'
		if !ok || kw.trig != trigTitle && !(kw.trig == trigAcademic && dot) {
			break
		}
		p = we
		if dot {
			p++
		}
		titleEnd = p
	}
	p = skipSpaces(t, p)
	if end, n := names(t, p); n > 0 {
		s.addPerson(p, end, pick2(n, scoreTitleOne, scoreTitleFull))
		s.add(candidate{start: i, end: titleEnd, typ: Title, base: scoreTitle})
	}
}

// salutation reads the name after "Dear", "Hallo" and the like.
func (s *scanner) salutation(j int) {
	t := s.text
	p := j
	if p < len(t) && t[p] == ',' {
		p++
	}
	q := skipSpaces(t, p)
	if q == p {
		return
	}
	if kw, ok := lookup(t, q, wordEnd(t, q)); ok && kw.trig == trigTitle {
		return // "Dear Dr. Smith": the title finds the name
	}
	if end, n := names(t, q); n > 0 {
		s.addPerson(q, end, pick2(n, scoreGreetOne, scoreGreetFull))
	}
}

// introduction reads the name in "my name is X", "mein Name ist X",
// "mi nombre es X" or "Name: X"; the keyword is text[i:j].
func (s *scanner) introduction(i, j int) {
	t := s.text
	p := j
	if p < len(t) && t[p] == ':' {
		p++
	} else {
		if !possessiveBefore(t, i) {
			return
		}
		q := skipSpaces(t, p)
		we := wordEnd(t, q)
		if q == p || !verbIs(t[q:we]) {
			return
		}
		p = we
		if p < len(t) && t[p] == ':' {
			p++
		}
	}
	q := skipSpaces(t, p)
	if q == p {
		return
	}
	if end, n := names(t, q); n > 0 {
		s.addPerson(q, end, scoreIntro)
	}
}

func verbIs(w string) bool {
	switch w {
	case "is", "ist", "es", "est", "was", "war", "lautet", "è":
		return true
	}
	return false
}

// possessiveBefore reports whether "my", "mein", "mon", "mi"… precedes the
// word at i.
func possessiveBefore(t string, i int) bool {
	e := i - 1
	if e < 1 || t[e] != ' ' {
		return false
	}
	b := e
	for b > 0 && asciiLetter(t[b-1]) {
		b--
	}
	if alnumBefore(t, b) {
		return false
	}
	switch lowerASCII(t[b:e]) {
	case "my", "his", "her", "your", "their", "mein", "meine", "sein", "ihr", "dein",
		"mon", "son", "ton", "mi", "su", "tu", "il", "il mio":
		return true
	}
	return false
}

// named reads the name right after an introducing verb ending at j.
func (s *scanner) named(j int, score float64) {
	t := s.text
	q := skipSpaces(t, j)
	if q == j {
		return
	}
	if end, n := names(t, q); n > 0 {
		s.addPerson(q, end, score)
	}
}

// signoff reads the name after "Best regards," "Viele Grüße" or "Signed:",
// which may be on the next line.
func (s *scanner) signoff(j int) {
	t := s.text
	p := j
	if p < len(t) && (t[p] == ',' || t[p] == '!' || t[p] == ':') {
		p++
	}
	q := p
	for q < len(t) && q-p < 4 && (t[q] == ' ' || t[q] == '\n' || t[q] == '\r' || t[q] == '\t') {
		q++
	}
	if q == p {
		return
	}
	if end, n := names(t, q); n > 0 && n <= 3 {
		s.addPerson(q, end, scoreSignoff)
	}
}

// personBefore reports a pair of name words that ends right before the
// separator before position p: "Erika Mustermann, Heidestraße 17".
func (s *scanner) personBefore(p int, score float64) {
	t := s.text
	e := p
	switch {
	case e >= 2 && t[e-2] == ',' && (t[e-1] == ' ' || t[e-1] == '\n'):
		e -= 2
	case e >= 1 && t[e-1] == ' ':
		e--
	default:
		return
	}
	if start := namePairBefore(t, e); start >= 0 {
		s.addPerson(start, e, score)
	}
}

// names reads a name at p and returns its end and the number of capitalised
// words in it, 0 if there is no name.
func names(t string, p int) (end, n int) {
	end = p
	for n < maxNameWords {
		q := p
		// Particles and initials only count when a name word follows.
		for k := 0; k < 2 && n > 0; k++ {
			we := wordEnd(t, q)
			if we > q && we < len(t) && t[we] == ' ' && nameParticles[t[q:we]] {
				q = we + 1
			}
		}
		if n > 0 && q+2 < len(t) && isUpper(t[q]) && t[q+1] == '.' && t[q+2] == ' ' {
			q += 3 // an initial: "John F. Kennedy"
		}
		we := nameWord(t, q)
		if we == q || notNames[t[q:we]] {
			break
		}
		if kw, ok := lookup(t, q, we); ok && kw.trig == trigTitle {
			break // "Name: Dr. Eva Klein": the title finds the name
		}
		n++
		end = we
		if we+1 >= len(t) || t[we] != ' ' {
			break
		}
		p = we + 1
	}
	return end, n
}

// nameWord returns the end of a capitalised word at p that can be part of a
// name, or p: an upper-case letter, then letters with at least one in lower
// case; a hyphen or apostrophe may join parts ("Hans-Peter", "O'Brien"),
// and an upper-case letter may follow a lower-case one ("McDonald").
func nameWord(t string, p int) int {
	if p >= len(t) {
		return p
	}
	r, size := utf8.DecodeRuneInString(t[p:])
	if !unicode.IsUpper(r) {
		return p
	}
	j, lower, joined := p+size, 0, false
	for j < len(t) {
		r, size = utf8.DecodeRuneInString(t[j:])
		switch {
		case unicode.IsLower(r):
			lower++
		case unicode.IsMark(r) || zeroWidth(r):
		case unicode.IsUpper(r) && (lower > 0 || joined):
		case (r == '-' || r == '\'' || r == '’') && !joined && j+size < len(t):
			next, _ := utf8.DecodeRuneInString(t[j+size:])
			if !unicode.IsLetter(next) || r != '-' && next == 's' && !alnumAt(t, j+size+1) {
				return nameEnd(t, p, j, lower)
			}
			joined = true
			j += size
			continue
		default:
			return nameEnd(t, p, j, lower)
		}
		joined = false
		j += size
	}
	return nameEnd(t, p, j, lower)
}

func nameEnd(t string, p, j, lower int) int {
	if lower == 0 || alnumAt(t, j) {
		return p
	}
	return j
}

// namePairBefore returns the start of two name words ending at e, or -1.
func namePairBefore(t string, e int) int {
	s2 := nameWordBefore(t, e)
	if s2 < 2 || t[s2-1] != ' ' {
		return -1
	}
	s1 := nameWordBefore(t, s2-1)
	if s1 < 0 {
		return -1
	}
	if kw, ok := lookup(t, s1, s2-1); ok && kw.trig != trigNone {
		return -1 // "Herr Müller": the title finds the name
	}
	return s1
}

// nameWordBefore returns the start of the name word that ends at e, or -1.
func nameWordBefore(t string, e int) int {
	b := e
	for b > 0 && e-b < 64 {
		r, size := utf8.DecodeLastRuneInString(t[:b])
		if !(unicode.IsLetter(r) || unicode.IsMark(r) || zeroWidth(r) || r == '-' || r == '\'' || r == '’') {
			break
		}
		b -= size
	}
	if b == e || nameWord(t[:e], b) != e || notNames[t[b:e]] {
		return -1
	}
	return b
}

// skipSpaces skips one or two spaces at p; more are not a name's neighbour.
func skipSpaces(t string, p int) int {
	q := p
	for q < len(t) && q-p < 2 && t[q] == ' ' {
		q++
	}
	return q
}

func pick2(n int, one, more float64) float64 {
	if n == 1 {
		return one
	}
	return more
}

func lowerASCII(s string) string {
	for k := 0; k < len(s); k++ {
		if isUpper(s[k]) {
			b := []byte(s)
			for m := k; m < len(b); m++ {
				if isUpper(b[m]) {
					b[m] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
