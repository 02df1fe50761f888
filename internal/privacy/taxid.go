package privacy

// The German tax identification number (Steueridentifikationsnummer,
// § 139b Abgabenordnung): 11 digits, the first not 0. Among the first ten
// digits exactly one value occurs twice or three times, and none three
// times in a row; the eleventh is an ISO 7064 MOD 11,10 check digit. The
// Bundeszentralamt für Steuern prints it as "12 345 678 901".

const (
	taxIDPlain  = 0.45 // 86095742719
	taxIDSpaced = 0.5  // 86 095 742 719
	taxIDCtx    = 0.95
)

func (s *scanner) taxID(tk *numTok) int {
	if tk.plus || tk.glued {
		return 0
	}
	base := taxIDPlain
	switch {
	case tk.lens(11):
	case tk.lens(2, 3, 3, 3) && tk.sameSep(' '):
		base = taxIDSpaced
	default:
		return 0
	}
	if !validTaxID(tk.all()) {
		return 0
	}
	s.add(candidate{start: tk.start, end: tk.end, typ: DETaxID, base: base, boost: taxIDCtx, ctx: ctxTax, notPII: true})
	return tk.end
}

func validTaxID(d []byte) bool {
	if len(d) != 11 || d[0] == '0' {
		return false
	}
	var count [10]int
	for _, c := range d[:10] {
		count[c-'0']++
	}
	repeated := 0
	for _, c := range count {
		switch {
		case c > 3:
			return false
		case c > 1:
			repeated++
		}
	}
	if repeated != 1 {
		return false
	}
	for k := 2; k < 10; k++ {
		if d[k] == d[k-1] && d[k] == d[k-2] {
			return false
		}
	}
	return checkMod1110(d[:10]) == d[10]-'0'
}

// checkMod1110 is the ISO 7064 MOD 11,10 check digit of the digits.
func checkMod1110(d []byte) byte {
	product := 10
	for _, c := range d {
		sum := (int(c-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = sum * 2 % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	return byte(check)
}
