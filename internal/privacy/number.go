package privacy

// A number as written in prose: digit groups separated by one of " -./"
// (or " / " and " - "),
// optionally with a leading '+' and groups in parentheses, as in
// "+49 (0)30 1234567", "(555) 123-4567", "4111 1111 1111 1111" or
// "192.168.1.20". The numeric detectors each look at the groups and decide
// whether the shape and the digits are theirs.

const (
	maxGroups = 8
	maxDigits = 20 // longer than any card, phone or IBAN digit run
)

type group struct {
	start, end int  // the digits, without parentheses
	off        int  // offset of the first digit in numTok.d
	sep        byte // separator before the group; 0 for the first or none
	paren      bool // written in parentheses
}

func (g group) len() int { return g.end - g.start }

type numTok struct {
	start, end int // the whole number, with a leading '+' or '('
	plus       bool
	glued      bool // a letter or digit follows directly, as in "5pm"
	g          [maxGroups]group
	n          int
	digits     int
	d          [maxDigits]byte
}

func (tk *numTok) groups() []group { return tk.g[:tk.n] }
func (tk *numTok) all() []byte     { return tk.d[:tk.digits] }
func (tk *numTok) lens(want ...int) bool {
	if tk.n != len(want) {
		return false
	}
	for k, w := range want {
		if tk.g[k].len() != w {
			return false
		}
	}
	return true
}

// sameSep reports whether every group after the first is separated by sep.
func (tk *numTok) sameSep(sep byte) bool {
	for _, g := range tk.groups()[1:] {
		if g.sep != sep || g.paren {
			return false
		}
	}
	return !tk.g[0].paren
}

// readNumber reads the number starting at text[i] (a digit, '+' or '(').
// It fails for numbers with more groups or digits than any detector wants.
func readNumber(t string, i int) (tk numTok, ok bool) {
	tk.start = i
	j := i
	if t[j] == '+' {
		tk.plus = true
		j++
	}
	var sep byte
	for {
		k, paren := j, false
		if k < len(t) && t[k] == '(' {
			paren = true
			k++
		}
		ds := k
		k = digitsEnd(t, k)
		de := k
		if de == ds {
			break
		}
		if paren {
			if k >= len(t) || t[k] != ')' {
				break
			}
			k++
		}
		if tk.n == maxGroups || tk.digits+de-ds > maxDigits {
			return tk, false
		}
		tk.g[tk.n] = group{start: ds, end: de, off: tk.digits, sep: sep, paren: paren}
		tk.digits += copy(tk.d[tk.digits:], t[ds:de])
		tk.n++
		tk.end = k
		j = k
		if j+1 >= len(t) {
			break
		}
		next := t[j+1]
		switch c := t[j]; {
		case (c == ' ' || c == '-' || c == '.' || c == '/') && (isDigit(next) || next == '(' && c == ' '):
			sep = c
			j++
		case c == ' ' && (next == '/' || next == '-') && j+3 < len(t) && t[j+2] == ' ' && isDigit(t[j+3]):
			sep = next // "0221 / 123456", "030 - 1234567"
			j += 3
		case c == '(' && isDigit(next), paren && isDigit(c):
			sep = 0 // "+1(555)…", "(0)30…"
		default:
			if tk.n == 0 {
				return tk, false
			}
			tk.glued = alnumAt(t, tk.end)
			return tk, true
		}
	}
	if tk.n == 0 {
		return tk, false
	}
	tk.glued = alnumAt(t, tk.end)
	return tk, true
}

// numeric runs the detectors of numbers at i and returns the end of the
// longest candidate they produced, or i.
func (s *scanner) numeric(i int) int {
	tk, ok := readNumber(s.text, i)
	if !ok {
		return i
	}
	end := i
	end = max(end, s.phone(&tk))
	end = max(end, s.card(&tk))
	end = max(end, s.ssn(&tk))
	end = max(end, s.taxID(&tk))
	end = max(end, s.ipv4(&tk))
	return end
}

// dateShaped reports whether the number looks like a date ("2024-03-15",
// "15.03.2024", "3/15/24"), which no phone number resembles.
func (tk *numTok) dateShaped() bool {
	if tk.n != 3 || !tk.sameSep(tk.g[1].sep) {
		return false
	}
	switch tk.g[1].sep {
	case '.', '-', '/':
	default:
		return false
	}
	a, b, c := tk.g[0].len(), tk.g[1].len(), tk.g[2].len()
	return a == 4 && b <= 2 && c <= 2 || a <= 2 && b <= 2 && (c == 2 || c == 4)
}
