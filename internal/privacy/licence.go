package privacy

// Driver's licence numbers. Their formats differ by issuer (a letter and
// seven digits in California, eleven characters in Germany), so the number
// is found after the words that announce it: "driver's license (number)",
// "driving licence no.", "DL#", "Führerschein(nummer)", "Führerschein-Nr.".

const scoreLicence = 0.8

// licence reads the number after the keyword ending at j.
func (s *scanner) licence(j int) {
	t := s.text
	p := j
	for k := 0; k < 4 && p < len(t); k++ {
		// Skip "number", "no.", "nr.", "#", ":", "-Nr." between.
		for p < len(t) && (t[p] == ' ' || t[p] == ':' || t[p] == '#' || t[p] == '-' || t[p] == '.') {
			p++
		}
		we := wordEnd(t, p)
		switch lowerASCII(t[p:we]) {
		case "number", "no", "nr", "num", "id", "nummer", "is", "ist", "lautet":
			p = we
			continue
		}
		break
	}
	e := p
	digits, letters := 0, 0
	for e < len(t) && asciiAlnum(t[e]) {
		if isDigit(t[e]) {
			digits++
		} else {
			letters++
		}
		e++
	}
	if digits < 4 || digits+letters < 6 || digits+letters > 16 || alnumAt(t, e) {
		return
	}
	s.add(candidate{start: p, end: e, typ: DriverLicense, base: scoreLicence})
}
