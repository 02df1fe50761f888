package privacy

// Dates and times of day, as Presidio's DATE_TIME: a date links a person
// to an event (a birth, an appointment, a stay in hospital). A birth word
// nearby ("born", "DOB", "geboren", "Geburtsdatum", "née", "nacido") raises
// the score. The forms are those of the languages in the keyword table:
// 12.05.1990, 1990-05-12, 5/12/1990 (either order), 12 May 1990, 12. Mai
// 1990, 12th of May 1990, 12 de mayo de 1990, May 12, 1990; times 14:30,
// 14:30 Uhr, 2:30 pm.

const (
	dateScore = 0.6
	dobCtx    = 0.85
	timeScore = 0.55 // 14:30
	timeUnit  = 0.7  // 14:30 Uhr, 2:30 pm
)

func (s *scanner) addDOB(start, end int) int {
	s.add(candidate{start: start, end: end, typ: DateTime, base: dateScore, boost: dobCtx, ctx: ctxDOB})
	return end
}

// timeOfDay checks for "14:30", "14:30:05", "2:30 pm", "14:30 Uhr" at the
// digits at text[i] and returns its end, or 0.
func (s *scanner) timeOfDay(i int) int {
	t := s.text
	he := digitsEnd(t, i)
	if he-i < 1 || he-i > 2 || he+2 >= len(t) || t[he] != ':' {
		return 0
	}
	me := digitsEnd(t, he+1)
	if me-he-1 != 2 || atoi(t[i:he]) > 24 || atoi(t[he+1:me]) > 59 {
		return 0
	}
	end := me
	if end+2 < len(t) && t[end] == ':' && digitsEnd(t, end+1)-end-1 == 2 {
		end += 3
	}
	if alnumAt(t, end) || end < len(t) && (t[end] == ':' || t[end] == '.' && end+1 < len(t) && isDigit(t[end+1])) {
		return 0 // "1:2:3", "12:30.5"
	}
	score := timeScore
	if end+1 < len(t) && t[end] == ' ' {
		we := wordEnd(t, end+1)
		switch t[end+1 : we] {
		case "am", "pm", "AM", "PM", "a.m", "p.m", "Uhr", "h", "o'clock":
			end, score = we, timeUnit
			if end < len(t) && t[end] == '.' && (t[end-1] == 'm') {
				end++ // "p.m."
			}
		}
	}
	s.add(candidate{start: i, end: end, typ: DateTime, base: score})
	return end
}

// date checks for a date starting with the digits at text[i].
func (s *scanner) date(i int) int {
	if end := numericDate(s.text, i); end > 0 {
		return s.addDOB(i, end)
	}
	if end := dayMonthName(s.text, i); end > 0 {
		return s.addDOB(i, end)
	}
	return 0
}

// numericDate returns the end of an all-numeric date at text[i], or 0.
func numericDate(t string, i int) int {
	ae := digitsEnd(t, i)
	if ae >= len(t) {
		return 0
	}
	sep := t[ae]
	if sep != '.' && sep != '/' && sep != '-' {
		return 0
	}
	bs := ae + 1
	be := digitsEnd(t, bs)
	if be-bs < 1 || be-bs > 2 || be >= len(t) || t[be] != sep {
		return 0
	}
	cs := be + 1
	ce := digitsEnd(t, cs)
	if alnumAt(t, ce) || ce+1 < len(t) && (t[ce] == sep || t[ce] == '.' && sep != '.') && isDigit(t[ce+1]) {
		return 0
	}
	a, b, c := atoi(t[i:ae]), atoi(t[bs:be]), atoi(t[cs:ce])
	la, lc := ae-i, ce-cs
	switch {
	case la == 4 && sep != '.' && lc <= 2 && lc >= 1:
		if validDate(c, b, a) {
			return ce
		}
	case la <= 2 && (lc == 4 || lc == 2 && sep != '-'):
		y := c
		if lc == 2 {
			y += 2000 // any leap year rule works for a two-digit year but 00
		}
		if validDate(a, b, y) || sep == '/' && validDate(b, a, y) {
			return ce
		}
	}
	return 0
}

// dayMonthName returns the end of a date such as "12. Mai 1990" or
// "12th of May, 1990" at text[i], or 0.
func dayMonthName(t string, i int) int {
	p := digitsEnd(t, i)
	if p-i > 2 {
		return 0
	}
	day := atoi(t[i:p])
	p = skipOrdinal(t, p)
	if p >= len(t) || t[p] != ' ' {
		return 0
	}
	p = skipWord(t, p+1, "of", "de")
	we := wordEnd(t, p)
	kw, ok := lookup(t, p, we)
	if !ok || kw.month == 0 {
		return 0
	}
	return yearAfterMonth(t, we, day, int(kw.month))
}

// dateMonthFirst checks for a date such as "July 4, 1976" that starts with
// the month name at text[i:j].
func (s *scanner) dateMonthFirst(i, j, month int) {
	t := s.text
	p := j
	if p < len(t) && t[p] == '.' {
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return
	}
	ds := p + 1
	de := digitsEnd(t, ds)
	if de-ds < 1 || de-ds > 2 {
		return
	}
	p = skipOrdinal(t, de)
	if p < len(t) && t[p] == ',' {
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return
	}
	ys := p + 1
	ye := digitsEnd(t, ys)
	if ye-ys == 4 && !alnumAt(t, ye) && validDate(atoi(t[ds:de]), month, atoi(t[ys:ye])) {
		s.addDOB(i, ye)
	}
}

// yearAfterMonth reads ", 1990", " 1990" or " de 1990" after a month name
// ending at p and returns the date's end, or 0.
func yearAfterMonth(t string, p, day, month int) int {
	if p < len(t) && t[p] == '.' {
		p++
	}
	if p < len(t) && t[p] == ',' {
		p++
	}
	if p >= len(t) || t[p] != ' ' {
		return 0
	}
	p = skipWord(t, p+1, "de")
	ye := digitsEnd(t, p)
	if ye-p != 4 || alnumAt(t, ye) || !validDate(day, month, atoi(t[p:ye])) {
		return 0
	}
	return ye
}

// skipOrdinal skips "." or an English ordinal suffix after a day.
func skipOrdinal(t string, p int) int {
	if p < len(t) && t[p] == '.' {
		return p + 1
	}
	if p+2 <= len(t) {
		switch t[p : p+2] {
		case "st", "nd", "rd", "th":
			if !alnumAt(t, p+2) {
				return p + 2
			}
		}
	}
	return p
}

// skipWord skips one of the given words and the space after it at p.
func skipWord(t string, p int, words ...string) int {
	for _, w := range words {
		if end := p + len(w); end < len(t) && t[p:end] == w && t[end] == ' ' {
			return end + 1
		}
	}
	return p
}

// validDate reports whether day/month/year is a date in the Gregorian
// calendar that could be someone's birthday (years 1900–2099).
func validDate(day, month, year int) bool {
	if year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// atoi converts a short run of ASCII digits; callers bound the length.
func atoi(d string) int {
	v := 0
	for k := 0; k < len(d) && k < 9; k++ {
		v = v*10 + int(d[k]-'0')
	}
	return v
}
