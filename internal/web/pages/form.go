package pages

import "strings"

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
