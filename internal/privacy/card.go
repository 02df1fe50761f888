package privacy

// Payment card numbers (ISO/IEC 7812): 12 to 19 digits whose last digit is
// the Luhn check digit, starting with an issuer identification number of a
// known network. Presidio checks the Luhn digit only; the issuer ranges
// reject most of the 10 % of random numbers that pass it.

const (
	cardGrouped    = 0.9  // 4111 1111 1111 1111
	cardContiguous = 0.75 // 4111111111111111
	cardCtx        = 1.0
)

func (s *scanner) card(tk *numTok) int {
	if tk.plus || tk.glued || tk.digits < 12 || tk.digits > 19 {
		return 0
	}
	base := cardContiguous
	if tk.n > 1 {
		sep := tk.g[1].sep
		if sep != ' ' && sep != '-' || !tk.sameSep(sep) || !cardGroups(tk) {
			return 0
		}
		base = cardGrouped
	}
	d := tk.all()
	if allSame(d) || !luhn(d) || !issuer(d) {
		return 0
	}
	s.add(candidate{start: tk.start, end: tk.end, typ: CreditCard, base: base, boost: cardCtx, ctx: ctxCard})
	return tk.end
}

// cardGroups accepts the groupings printed on cards: fours with a shorter
// last group, and American Express and Diners 4-6-5 and 4-6-4.
func cardGroups(tk *numTok) bool {
	if tk.lens(4, 6, 5) || tk.lens(4, 6, 4) {
		return true
	}
	g := tk.groups()
	for _, x := range g[:len(g)-1] {
		if x.len() != 4 {
			return false
		}
	}
	return g[len(g)-1].len() <= 4
}

// luhn reports whether the digits end in a valid Luhn check digit.
func luhn(d []byte) bool {
	sum := 0
	for k := range d {
		v := int(d[len(d)-1-k] - '0')
		if k%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// issuer reports whether the number starts with the issuer identification
// number of a card network and has a length that network issues.
func issuer(d []byte) bool {
	n := len(d)
	p := func(k int) int { // the first k digits as a number
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720: // Mastercard
		return n == 16
	case p(2) == 34 || p(2) == 37: // American Express
		return n == 15
	case p(4) >= 2200 && p(4) <= 2204: // Mir
		return n >= 16
	case p(4) == 6011, p(3) >= 644 && p(3) <= 649, p(2) == 65, p(2) == 62: // Discover, UnionPay
		return n >= 16
	case p(4) >= 3528 && p(4) <= 3589: // JCB
		return n >= 16
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39, p(4) == 3095: // Diners Club
		return n >= 14
	case p(2) == 50, p(2) >= 56 && p(2) <= 58, p(2) == 67, p(2) == 63: // Maestro
		return n >= 12
	}
	return false
}

func allSame(d []byte) bool {
	for _, c := range d[1:] {
		if c != d[0] {
			return false
		}
	}
	return true
}
