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

// germanCompoundSuffixes end German street names only as the end of a
// compound ("Wiebertshof", "Distelkamp", "Lindenhöhe"); alone they are
// ordinary nouns.
var germanCompoundSuffixes = []string{"hof", "berg", "feld", "kamp", "busch", "heide", "garten",
	"höhe", "bach", "hang", "grund", "winkel", "wiese", "siedlung", "brücke", "stieg", "twiete",
	"horst", "aue", "park", "redder", "acker", "wall", "hain", "blick", "tal", "rain"}

// notStreets are compound nouns that end like a street and are followed by a
// number in ordinary prose ("Parkplatz 12", "Arbeitsmarkt 2024").
var notStreets = setOf(`parkplatz arbeitsplatz sitzplatz stellplatz spielplatz marktplatz supermarkt
	arbeitsmarkt wochenmarkt umweg ausweg rückweg heimweg bahnhof flughafen friedhof innenhof
	bauernhof hinterhof krankenhaus eisberg bergfeld spielfeld umfeld arbeitsfeld ostseestrand
	kindergarten biergarten tiergarten freizeitpark nationalpark fuhrpark stadtpark wohnpark
	jahrgang durchgang eingang ausgang vorgang rundgang zugang übergang lehrgang`)

// germanStreetStarts begin German street names that have no street word:
// "Am Markt 3a", "Zur Alten Brauerei 6", "Im Hederichsfeld 138", "Alte
// Heide 12".
var germanStreetStarts = setOf(`Am An Im In Zum Zur Auf Alte Alter Altes Hinter Unter Vor Bei Hohe Hoher
	Neue Neuer Große Großer Kleine Kleiner Lange Langer Obere Oberer Untere Unterer`)

// notStreetNames follow a street start without naming a street ("Im
// Kapitel 3", "Am Tag 2").
var notStreetNames = setOf(`Kapitel Abschnitt Jahr Jahre Seite Punkt Schritt Teil Raum Zimmer Gleis
	Level Band Tag Tage Monat Spiel Runde Artikel Paragraph Absatz Anhang Bild Abbildung Tabelle
	Folie Termin Nummer Bus Zug Saal Stock Block Haus Minute Stunde Woche Ende Anfang Moment`)

// germanUnits follow a number that is not a house number ("Am Montag 10
// Uhr", "Auf Platz 3 km").
var germanUnits = setOf(`Uhr km m cm kg g Jahre Jahren Prozent Euro EUR Minuten Stunden Tage Tagen
	Personen Leute Mal mal Stück Seiten Punkte Grad`)

// streetByStart checks for a German street that starts with the word
// text[i:j] from germanStreetStarts.
func (s *scanner) streetByStart(i, j int) {
	t := s.text
	p := j
	if p >= len(t) || t[p] != ' ' {
		return
	}
	p++
	we := wordEnd(t, p)
	switch t[p:we] {
	case "der", "dem", "den", "die", "das":
		if we >= len(t) || t[we] != ' ' {
			return
		}
		p = we + 1
	}
	words := 0
	for words < 3 {
		e := nameWord(t, p)
		if e == p || notStreetNames[t[p:e]] || calendarWords[t[p:e]] || notNames[t[p:e]] {
			break
		}
		words++
		p = e
		if p+1 >= len(t) || t[p] != ' ' || isDigit(t[p+1]) {
			break
		}
		p++
	}
	if words == 0 || p >= len(t) || t[p] != ' ' {
		return
	}
	end := houseNumber(t, p+1, 3)
	if end == p+1 {
		return
	}
	if end+1 < len(t) && t[end] == ' ' {
		if ue := wordEnd(t, end+1); germanUnits[t[end+1:ue]] {
			return
		}
	}
	score := scoreStreet
	if e := postcodeCity(t, end); e > end {
		end, score = e, scoreStreetCity
	}
	s.addStreet(i, end, score)
}

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
	if suffix == "" {
		for _, x := range germanCompoundSuffixes {
			if len(word)-len(x) >= 3 && bytes.HasSuffix(word, []byte(x)) {
				suffix = x
				break
			}
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
	// "1784 N Maple Street": a compass direction before the name.
	switch t[p:we] {
	case "N", "S", "E", "W", "NE", "NW", "SE", "SW":
		if we+1 < len(t) && t[we] == ' ' {
			p = we + 1
		}
	}
	end := 0
	for k := 0; k < 4; k++ {
		we := nameWord(t, p)
		if k == 0 && we == p {
			we = ordinal(t, p) // "10th Street"
		}
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
	if e := unit(t, end); e > end {
		end = e
	}
	score := scoreStreet
	if e := cityStateZIP(t, end); e > end {
		end, score = e, scoreStreetCity
	}
	s.addStreet(i, end, score)
}

// ordinal returns the end of "10th", "1st", "22nd" at p, or p.
func ordinal(t string, p int) int {
	e := digitsEnd(t, p)
	if e == p || e-p > 3 || e+2 > len(t) {
		return p
	}
	switch t[e : e+2] {
	case "st", "nd", "rd", "th":
		if !alnumAt(t, e+2) {
			return e + 2
		}
	}
	return p
}

// separated reads the ", " or " " that sets a unit or a postcode apart
// from what ends at p, and returns where the next part starts.
func separated(t string, p int) (int, bool) {
	q := p
	if q < len(t) && t[q] == ',' {
		q++
	}
	if q >= len(t) || t[q] != ' ' {
		return p, false
	}
	return q + 1, true
}

// unit returns the end of ", Apt 4", " Suite 200", ", Unit 3B", " #5"
// after a street ending at p, or p.
func unit(t string, p int) int {
	q, ok := separated(t, p)
	if !ok {
		return p
	}
	if q < len(t) && t[q] == '#' {
		e := houseNumber(t, q+1, 5)
		if e > q+1 {
			return e
		}
		return p
	}
	we := wordEnd(t, q)
	switch t[q:we] {
	case "Apt", "Apartment", "Suite", "Ste", "Unit", "Flat", "Room", "Floor", "Fl":
	default:
		return p
	}
	if we < len(t) && t[we] == '.' {
		we++
	}
	if we >= len(t) || t[we] != ' ' {
		return p
	}
	if e := houseNumber(t, we+1, 5); e > we+1 {
		return e
	}
	return p
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
	q, ok := separated(t, p)
	if !ok {
		return p
	}
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
	q, n := cityName(t, p+2)
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

// cityName reads a city's name of one to four words at p ("El Cajon",
// "St. Clair Shores", "Lee's Summit") and returns its end and the number of
// words.
func cityName(t string, p int) (end, n int) {
	end = p
	for n < 4 && p < len(t) {
		e := nameWord(t, p)
		if e == p {
			break
		}
		if e+1 < len(t) && t[e] == '.' && e-p <= 3 {
			e++ // "St.", "Ft."
		} else if e+2 <= len(t) && (t[e:e+2] == "'s") && !alnumAt(t, e+2) {
			e += 2
		}
		n++
		end = e
		if e+1 >= len(t) || t[e] != ' ' {
			break
		}
		p = e + 1
	}
	return end, n
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
