package privacy

// Phone numbers, after the ITU-T E.164 numbering plan (at most 15 digits
// behind the country code's '+'), the North American Numbering Plan, and
// the national formats with a trunk prefix 0 used across Europe. Presidio
// delegates to libphonenumber; this is a much smaller rule set that covers
// the formats members write: "+49 30 1234567", "+44 20 7946 0958",
// "(555) 123-4567", "0171 1234567".

// Scores: a number written in international form is nearly always a phone
// number; a national one ("0171 1234567") is also an order number, a
// customer number or a date in disguise, and needs a context word.
const (
	phoneIntl         = 0.75 // +49 30 1234567
	phoneIntlCtx      = 0.95
	phoneIntl00       = 0.55 // 0049 30 1234567
	phoneIntl00Ctx    = 0.9
	phoneNANPParen    = 0.65 // (555) 123-4567
	phoneNANPDash     = 0.55 // 555-123-4567
	phoneNANPDot      = 0.5  // 555.123.4567
	phoneNANPSpace    = 0.4  // 555 123 4567
	phoneNANPPlain    = 0.2  // 5551234567
	phoneNANPCtx      = 0.9
	phoneNational     = 0.35 // 0171 1234567
	phoneNationalArea = 0.45 // (030) 1234567
	phoneNationalCtx  = 0.85
	phoneNationalFlat = 0.25 // 01711234567
	phoneFlatCtx      = 0.7
)

func (s *scanner) phone(tk *numTok) int {
	if tk.glued || tk.dateShaped() {
		return 0
	}
	d := tk.all()
	add := func(base, boost float64) int {
		s.add(candidate{start: tk.start, end: tk.end, typ: PhoneNumber, base: base, boost: boost, ctx: ctxPhone, notPII: true})
		return tk.end
	}
	// A "(0)" after the country code is the trunk prefix, dialled only
	// from inside the country; it does not count towards E.164's length.
	n := tk.digits
	for _, g := range tk.groups()[1:] {
		if g.paren && g.len() == 1 && d[g.off] == '0' {
			n--
		}
	}
	switch {
	case tk.plus:
		if n >= 8 && n <= 15 && countryCodeLen(d) > 0 {
			return add(phoneIntl, phoneIntlCtx)
		}
	case len(d) >= 4 && d[0] == '0' && d[1] == '0':
		if n -= 2; n >= 8 && n <= 15 && tk.n >= 2 && tk.g[0].len() >= 4 && countryCodeLen(d[2:]) > 0 {
			return add(phoneIntl00, phoneIntl00Ctx)
		}
	case d[0] == '0':
		g0 := tk.g[0]
		switch {
		case tk.n == 1:
			if n >= 10 && n <= 12 {
				return add(phoneNationalFlat, phoneFlatCtx)
			}
		case n >= 9 && n <= 12 && g0.len() >= 2 && g0.len() <= 5 && !tk.g[1].paren:
			if g0.paren {
				return add(phoneNationalArea, phoneNationalCtx)
			}
			return add(phoneNational, phoneNationalCtx)
		}
	default:
		if base := nanpScore(tk); base > 0 {
			return add(base, phoneNANPCtx)
		}
	}
	return 0
}

// nanpScore scores a North American number: a three-digit area code that
// does not start with 0 or 1, then three and four digits.
func nanpScore(tk *numTok) float64 {
	g := tk.groups()
	d := tk.all()
	if len(g) == 4 && g[0].len() == 1 && d[0] == '1' && !g[1].paren && g[1].sep != 0 {
		g, d = g[1:], d[1:] // "1-555-234-5678"
	}
	if d[0] < '2' {
		return 0
	}
	if len(g) == 1 {
		if len(d) == 10 {
			return phoneNANPPlain
		}
		return 0
	}
	if len(g) != 3 || g[0].len() != 3 || g[1].len() != 3 || g[2].len() != 4 || g[1].paren || g[2].paren {
		return 0
	}
	if g[0].paren {
		if (g[1].sep == ' ' || g[1].sep == 0) && (g[2].sep == '-' || g[2].sep == ' ' || g[2].sep == '.') {
			return phoneNANPParen
		}
		return 0
	}
	if g[1].sep != g[2].sep {
		return 0
	}
	switch g[1].sep {
	case '-':
		return phoneNANPDash
	case '.':
		return phoneNANPDot
	case ' ':
		return phoneNANPSpace
	}
	return 0
}

// countryCodeLen returns the length of the ITU country calling code at the
// start of d, or 0 if d does not start with an assigned code.
func countryCodeLen(d []byte) int {
	if len(d) < 3 {
		return 0
	}
	switch d[0] {
	case '1', '7':
		return 1
	case '0':
		return 0
	}
	two := int(d[0]-'0')*10 + int(d[1]-'0')
	switch two {
	case 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
		51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86,
		90, 91, 92, 93, 94, 95, 98:
		return 2
	case 21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42, 50, 59, 67, 68, 69, 80, 85,
		87, 88, 96, 97, 99:
		return 3
	}
	return 0
}
