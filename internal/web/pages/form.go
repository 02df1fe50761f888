package pages

import (
	"strings"

	"github.com/allmende/allmende/internal/points"
)

// form carries what a person typed and what is wrong with it back to the
// page, so nothing they typed is lost when a field needs fixing. The
// parsing of each form is in a file of its own, form_<name>.go.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string
}

func (f form) Value(k string) string { return f.Values[k] }
func (f form) Error(k string) string { return f.Errors[k] }

// Lead is the message above a form that shows each field's error beside
// the field: when the message only repeats one of them ("this invitation
// code has already been used" above the form and again beside the code),
// it points to the fields instead of saying it twice.
func (f form) Lead() string {
	for _, v := range f.Errors {
		if v != "" && strings.Contains(f.Message, v) {
			return "Please correct what is marked below."
		}
	}
	return f.Message
}

// splitList reads a comma- or newline-separated list from a form field.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fields reads the named fields of a parsed form, trimmed.
func fields(get func(string) string, names ...string) map[string]string {
	v := make(map[string]string, len(names))
	for _, k := range names {
		v[k] = strings.TrimSpace(get(k))
	}
	return v
}

// money reads an amount typed in the cooperative's currency ("12.50", the
// way every page writes amounts) into points, within lo and hi points as
// the domain will check again. What it cannot read, or what lies out of
// the range, comes back as the words of the field's error, in money.
func money(c points.Currency, typed string, lo, hi int64) (int64, string) {
	v, err := c.ParseWithin(typed, lo, hi)
	if err != nil {
		return 0, err.Error()
	}
	return v, ""
}
