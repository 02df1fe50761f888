package privacy

// Places where someone lives: "I live in Berlin", "wir wohnen in München",
// "she moved to San Francisco", "j'habite à Lyon", "vivo en Madrid". A
// place name alone is not personal; where a member lives is, and it is a
// quasi-identifier in any dataset.

const scoreLocation = 0.6

// location reads the place after a living word at text[i:j], and a person's
// name right before it ("Peter Schmidt wohnt in Hamburg").
func (s *scanner) location(i, j int) {
	t := s.text
	if j >= len(t) || t[j] != ' ' {
		return
	}
	p := j + 1
	we := wordEnd(t, p)
	switch t[p:we] {
	case "in", "to", "nach", "à", "a", "en", "near", "bei":
	default:
		return
	}
	q := skipSpaces(t, we)
	if q == we {
		return
	}
	if kw, ok := lookup(t, q, wordEnd(t, q)); ok && kw.month != 0 {
		return // "moved in May"
	}
	if end, n := names(t, q); n > 0 && n <= 3 {
		s.add(candidate{start: q, end: end, typ: Location, base: scoreLocation})
		s.personBefore(i, scoreResident)
	}
}
