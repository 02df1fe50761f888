package privacy

import "strings"

// Ages: the number in "34 years old", "34-year-old", "aged 34", "age: 34",
// "34 Jahre alt", "im Alter von 34 Jahren", "Alter: 34". An age narrows a
// person down in any dataset (it is a quasi-identifier); a bare number is
// not one.

const scoreAge = 0.8

// ageAfter are the words after the number, with the space or hyphen.
var ageAfter = []string{" years old", " year old", "-year-old", " yrs old", " y/o",
	" Jahre alt", " Jahre jung", "-jährig", " jährig"}

// ageBefore are the words before the number, with the space.
var ageBefore = []string{"aged ", "age ", "age: ", "Age: ", "Age ", "Alter: ", "Alter ", "Alter von ",
	"alter von ", "âgé de ", "âgée de ", "edad: "}

// age checks for an age at the digits at text[i].
func (s *scanner) age(i int) {
	t := s.text
	e := digitsEnd(t, i)
	if e-i > 3 || atoi(t[i:e]) > 125 || e < len(t) && (t[e] == '.' || t[e] == ',') && e+1 < len(t) && isDigit(t[e+1]) {
		return
	}
	found := false
	for _, a := range ageAfter {
		if strings.HasPrefix(t[e:], a) {
			found = true
			break
		}
	}
	if !found {
		for _, b := range ageBefore {
			if i >= len(b) && t[i-len(b):i] == b && !alnumBefore(t, i-len(b)) {
				found = true
				break
			}
		}
	}
	if found {
		s.add(candidate{start: i, end: e, typ: Age, base: scoreAge})
	}
}
