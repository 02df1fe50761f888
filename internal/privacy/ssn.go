package privacy

// US Social Security Numbers: area-group-serial, 3-2-4 digits. The Social
// Security Administration never issues area 000, 666 or 900–999, group 00
// or serial 0000; a few numbers printed in advertisements and examples are
// rejected too, as Presidio does.

const (
	ssnDashed    = 0.5 // 536-90-4399
	ssnDashedCtx = 0.9
	ssnSpaced    = 0.4 // 536 90 4399
	ssnSpacedCtx = 0.85
	ssnPlain     = 0.1 // 536904399
	ssnPlainCtx  = 0.6
)

func (s *scanner) ssn(tk *numTok) int {
	if tk.plus || tk.glued {
		return 0
	}
	var base, boost float64
	switch {
	case tk.lens(9):
		base, boost = ssnPlain, ssnPlainCtx
	case tk.lens(3, 2, 4) && tk.sameSep('-'):
		base, boost = ssnDashed, ssnDashedCtx
	case tk.lens(3, 2, 4) && tk.sameSep(' '):
		base, boost = ssnSpaced, ssnSpacedCtx
	default:
		return 0
	}
	if !validSSN(tk.all()) {
		return 0
	}
	s.add(candidate{start: tk.start, end: tk.end, typ: USSSN, base: base, boost: boost, ctx: ctxSSN, notPII: true})
	return tk.end
}

func validSSN(d []byte) bool {
	num := string(d)
	area, group, serial := num[:3], num[3:5], num[5:]
	switch {
	case area == "000", area == "666", area[0] == '9', group == "00", serial == "0000", allSame(d):
		return false
	}
	switch num {
	case "078051120", "219099999", "123456789", "987654320":
		return false
	}
	return true
}
