package privacy

// International Bank Account Numbers (ISO 13616): a country code, two check
// digits and a national account number of a length fixed per country,
// written either without spaces or in groups of four. The check digits
// make the whole number, moved and read as an integer with A=10 … Z=35,
// equal 1 modulo 97 (ISO 7064 MOD 97-10).

const (
	ibanScore = 0.95
	ibanCtx   = 1.0
)

// ibanLengths is the length of an IBAN per country, from the SWIFT IBAN
// registry (release 2024).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
	"FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
	"SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
	"YE": 30,
}

// iban checks for an IBAN at text[i], an upper-case letter starting a word.
func (s *scanner) iban(i int) {
	t := s.text
	if i+4 > len(t) || !isUpper(t[i+1]) || !isDigit(t[i+2]) || !isDigit(t[i+3]) {
		return
	}
	want, ok := ibanLengths[t[i:i+2]]
	if !ok {
		return
	}
	// Collect the characters, allowing one space before every fourth.
	var buf [34]byte
	n, j := 0, i
	for n < want && j < len(t) {
		c := t[j]
		switch {
		case isDigit(c) || isUpper(c):
			buf[n] = c
			n++
			j++
		case c == ' ' && n%4 == 0 && n > 0 && j+1 < len(t) && t[j-1] != ' ':
			j++
		default:
			return
		}
	}
	if n != want || alnumAt(t, j) {
		return
	}
	if mod97(buf[4:n], buf[:4]) != 1 {
		return
	}
	s.add(candidate{start: i, end: j, typ: IBANCode, base: ibanScore, boost: ibanCtx, ctx: ctxIBAN})
}

// mod97 returns the remainder modulo 97 of the number spelled by the
// characters of a followed by those of b, each letter standing for two
// digits (A=10 … Z=35).
func mod97(a, b []byte) int {
	r := 0
	for _, part := range [2][]byte{a, b} {
		for _, c := range part {
			if isDigit(c) {
				r = (r*10 + int(c-'0')) % 97
			} else {
				r = (r*100 + int(c-'A') + 10) % 97
			}
		}
	}
	return r
}
