package privacy

// Passport numbers have no common format, so they are looked for only
// right after a passport word: "Passport number: 912345678", "Reisepass
// Nr. C01X00T41", "passport no. A12345678". The form decides the type:
// a German number (ICAO Doc 9303 alphabet without the letters that look
// like digits, and a valid check digit) is DE_PASSPORT, nine digits or a
// letter and eight digits is US_PASSPORT, anything else that looks like a
// document number is PASSPORT. The German identity card (Personalausweis)
// has the passport's serial number format and check digit; after an
// identity card word a valid one is DE_ID_CARD.

const (
	scoreDEPassport = 0.9
	scoreUSPassport = 0.75
	scorePassport   = 0.65
	scoreDEIDCard   = 0.9 // with its check digit: T220001293
	scoreDEIDSerial = 0.8 // the serial alone: T22000129
	passportWindow  = 32  // bytes after the passport word
)

// passportFillers may stand between the passport word and the number.
var passportFillers = setOf(`number no nr num nummer numéro numero n is ist est es id`)

// passport reads the number after a passport word ending at text[j]. The
// bare German word "Pass" counts only with "Nr." or "Nummer" after it.
func (s *scanner) passport(j int, needNumberWord, idCard bool) {
	t := s.text
	limit := min(j+passportWindow, len(t))
	sawNumber := false
	for p := j; p < limit; {
		switch t[p] {
		case ' ', ':', '#', '.', '-':
			p++
			continue
		}
		we := wordEnd(t, p)
		if we == p {
			return
		}
		if passportFillers[lowerASCII(t[p:we])] {
			sawNumber = true
			p = we
			continue
		}
		if needNumberWord && !sawNumber {
			return
		}
		if idCard {
			if score := germanIDCard(t[p:we]); score > 0 {
				s.add(candidate{start: p, end: we, typ: DEIDCard, base: score})
			}
			return
		}
		if typ, score := passportType(t[p:we]); score > 0 {
			s.add(candidate{start: p, end: we, typ: typ, base: score})
		}
		return
	}
}

// passportType classifies a document number: upper-case letters and digits,
// 6 to 10 characters, at least five of them digits.
func passportType(w string) (Type, float64) {
	if len(w) < 6 || len(w) > 10 {
		return "", 0
	}
	digits := 0
	for k := 0; k < len(w); k++ {
		switch c := w[k]; {
		case isDigit(c):
			digits++
		case !isUpper(c):
			return "", 0
		}
	}
	switch {
	case digits < 5:
		return "", 0
	case len(w) == 9 && germanPassport(w):
		return DEPassport, scoreDEPassport
	case len(w) == 9 && (digits == 9 || digits == 8 && isUpper(w[0])):
		return USPassport, scoreUSPassport
	}
	return Passport, scorePassport
}

// germanPassport checks the serial number of a German passport: a letter of
// C F G H J K L M N P R T V W X Y Z, seven of those letters or digits, and
// the ICAO Doc 9303 check digit (weights 7, 3, 1; A=10 … Z=35).
func germanPassport(w string) bool {
	const alphabet = "CFGHJKLMNPRTVWXYZ"
	sum := 0
	for k := 0; k < 8; k++ {
		c := w[k]
		v := int(c - '0')
		if !isDigit(c) {
			if !containsByte(alphabet, c) {
				return false
			}
			v = int(c-'A') + 10
		} else if k == 0 {
			return false
		}
		sum += v * [3]int{7, 3, 1}[k%3]
	}
	return isDigit(w[8]) && sum%10 == int(w[8]-'0')
}

// germanIDCard scores the number of a German identity card: nine
// characters of the passport alphabet (the first a letter), optionally
// followed by their ICAO Doc 9303 check digit; 0 if it is none.
func germanIDCard(w string) float64 {
	const alphabet = "CFGHJKLMNPRTVWXYZ"
	if len(w) != 9 && len(w) != 10 || !containsByte(alphabet, w[0]) {
		return 0
	}
	sum, digits := 0, 0
	for k := 0; k < 9; k++ {
		c := w[k]
		v := int(c - '0')
		if isDigit(c) {
			digits++
		} else if containsByte(alphabet, c) {
			v = int(c-'A') + 10
		} else {
			return 0
		}
		sum += v * [3]int{7, 3, 1}[k%3]
	}
	switch {
	case digits < 4:
		return 0 // "CHFGHJKLM" is a word, not a number
	case len(w) == 9:
		return scoreDEIDSerial
	case isDigit(w[9]) && sum%10 == int(w[9]-'0'):
		return scoreDEIDCard
	}
	return 0
}

func containsByte(s string, c byte) bool {
	for k := 0; k < len(s); k++ {
		if s[k] == c {
			return true
		}
	}
	return false
}
