package problem

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// What a person types into a name, a title or a reason is checked here,
// once, for what no keyboard produces and some databases refuse:
// PostgreSQL stores no NUL character and no invalid UTF-8 in TEXT, and a
// control character or a bidirectional override in a name shown to others
// hides or reorders what they read. Each domain validator runs its text
// fields through Line or Text, so that such input is a 422 naming the
// field on every database rather than a 500 on one of them.

// LineProblem says what is wrong with s as one line of text (a name, a
// title, a slug, a key name), or "" if nothing is: it must be valid UTF-8
// without control characters (line breaks and tabs included) and without
// the invisible characters that reorder or hide text.
func LineProblem(s string) string { return textProblem(s, false) }

// TextProblem is LineProblem for text of several lines (a description,
// instructions, a reason): tabs and line breaks are allowed.
func TextProblem(s string) string { return textProblem(s, true) }

func textProblem(s string, lines bool) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !isReplacementChar(s[i:]):
			return "is not valid UTF-8 text"
		case lines && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return fmt.Sprintf("must not contain control characters (%U at character %d)", r, utf8.RuneCountInString(s[:i])+1)
		case !lines && (r == '\u2028' || r == '\u2029'):
			return fmt.Sprintf("must be one line (%U at character %d)", r, utf8.RuneCountInString(s[:i])+1)
		case isBidiControl(r):
			return fmt.Sprintf("must not contain characters that reorder text (%U at character %d)", r, utf8.RuneCountInString(s[:i])+1)
		}
	}
	return ""
}

// isReplacementChar reports whether s starts with an encoded U+FFFD, which
// is valid text, rather than a byte that is not UTF-8.
func isReplacementChar(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return size == 3
}

// isBidiControl reports the explicit directional formatting characters of
// Unicode's bidirectional algorithm (UAX #9): embeddings, overrides and
// isolates. In a name they make "ada" display as something else ("Trojan
// Source", CVE-2021-42574); the implicit marks (LRM, RLM, ALM) are left,
// because right-to-left names may need them.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// Line records a problem for field if s is not one line of text (see
// LineProblem), and reports whether s is fine.
func (f Fields) Line(field, s string) bool {
	if msg := LineProblem(s); msg != "" {
		f.Add(field, "%s", msg)
		return false
	}
	return true
}

// Text records a problem for field if s is not text of one or more lines
// (see TextProblem), and reports whether s is fine.
func (f Fields) Text(field, s string) bool {
	if msg := TextProblem(s); msg != "" {
		f.Add(field, "%s", msg)
		return false
	}
	return true
}

// TextUpTo records a problem for field if s is not text (see Text) or is
// longer than max characters, and reports whether s is fine: the one
// check of a member's free text — a review, an answer, a reason — so
// that each says its limit in the same words. Whether s may be empty is
// the caller's to say.
func (f Fields) TextUpTo(field, s string, max int) bool {
	if !f.Text(field, s) {
		return false
	}
	if n := utf8.RuneCountInString(s); n > max {
		f.Add(field, "at most %d characters (this one has %d)", max, n)
		return false
	}
	return true
}
