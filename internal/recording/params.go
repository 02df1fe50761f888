package recording

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// placeholder matches {{name}} in a step's value or URL.
var placeholder = regexp.MustCompile(`\{\{([a-z][a-z0-9_]{0,39})\}\}`)

// placeholderFields lists the fields of s that may hold {{name}}, with a
// pointer to each so Bind can rewrite it. In a URL a value is
// percent-encoded (isURL).
type placeholderField struct {
	name  string
	text  *string
	isURL bool
}

func placeholderFields(s *Step) []placeholderField {
	var fs []placeholderField
	switch s.Type {
	case StepChange:
		fs = append(fs, placeholderField{"value", &s.Value, false})
	case StepNavigate:
		fs = append(fs, placeholderField{"url", &s.URL, true})
	}
	for i := range s.AssertedEvents {
		e := &s.AssertedEvents[i]
		fs = append(fs,
			placeholderField{fmt.Sprintf("assertedEvents[%d].url", i), &e.URL, true},
			placeholderField{fmt.Sprintf("assertedEvents[%d].title", i), &e.Title, false})
	}
	return fs
}

// checkPlaceholders reports {{name}} placeholders that name no declared
// parameter. Only recordings with an allmende object have placeholders: in a
// plain Recorder file, braces are text someone typed.
func checkPlaceholders(r Recording, errs *errorList) {
	for i := range r.Steps {
		s := &r.Steps[i]
		for _, f := range placeholderFields(s) {
			for _, m := range placeholder.FindAllStringSubmatch(*f.text, -1) {
				if !r.declared(m[1]) {
					errs.add(i, s.Type, f.name, "{{%s}} names no parameter declared in allmende.parameters", m[1])
				}
			}
		}
	}
}

func (r Recording) declared(name string) bool {
	return r.Allmende != nil && slices.ContainsFunc(r.Allmende.Parameters, func(p Parameter) bool { return p.Name == name })
}

// Parameters returns the recording's parameters, in declaration order.
func (r Recording) Parameters() []Parameter {
	if r.Allmende == nil {
		return nil
	}
	return slices.Clone(r.Allmende.Parameters)
}

// Bind returns a copy of the recording with every {{name}} replaced by
// values[name], or by the parameter's default when values has none. It
// fails, listing every problem, when a parameter has neither, when values
// names a parameter the recording does not declare, when a value holds a
// control character, or when a masked step is not a parameter (its value
// was never recorded, so there is nothing to replay).
//
// In a URL (a navigate step's, or an asserted navigation's) the value is
// percent-encoded, all but the unreserved characters of RFC 3986, so that
// it stays one path segment or query value; in a change step's value and a
// title it goes in as it is.
func (r Recording) Bind(values map[string]string) (Recording, error) {
	var errs errorList
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !r.declared(name) {
			errs.add(-1, "", "parameters", "the recording has no parameter %q%s", name, r.parameterList())
		}
		if c, ok := controlChar(values[name]); ok {
			errs.add(-1, "", "parameters", "the value of %q contains the control character %U", name, c)
		}
	}
	resolved := map[string]string{}
	for _, p := range r.Parameters() {
		v, ok := values[p.Name]
		if !ok {
			v, ok = p.Default, p.Default != ""
		}
		if !ok {
			label := ""
			if p.Label != "" {
				label = fmt.Sprintf(" (%s)", p.Label)
			}
			errs.add(-1, "", "parameters", "parameter %q%s has no value and no default", p.Name, label)
			continue
		}
		resolved[p.Name] = v
	}
	if r.Allmende != nil {
		for _, i := range r.Allmende.Masked {
			if i >= 0 && i < len(r.Steps) && !placeholder.MatchString(r.Steps[i].Value) {
				errs.add(i, r.Steps[i].Type, "value", "the value was masked when it was recorded; make it a parameter to replay this step")
			}
		}
	}
	if err := errs.err(); err != nil {
		return Recording{}, err
	}

	out := r
	out.Steps = make([]Step, len(r.Steps))
	for i, s := range r.Steps {
		s.AssertedEvents = slices.Clone(s.AssertedEvents)
		for _, f := range placeholderFields(&s) {
			*f.text = placeholder.ReplaceAllStringFunc(*f.text, func(m string) string {
				v := resolved[m[2:len(m)-2]]
				if f.isURL {
					return escapeComponent(v)
				}
				return v
			})
		}
		out.Steps[i] = s
	}
	out.bound = true
	return out, nil
}

// CheckBound reports what keeps the recording from being replayed as it
// is: parameters not yet bound with Bind, and masked steps. It returns nil
// for a plain Recorder file and for a bound recording.
func (r Recording) CheckBound() error {
	if r.bound || r.Allmende == nil {
		return nil
	}
	var errs errorList
	if len(r.Allmende.Parameters) > 0 {
		names := make([]string, len(r.Allmende.Parameters))
		for i, p := range r.Allmende.Parameters {
			names[i] = p.Name
		}
		errs.add(-1, "", "parameters", "the recording has parameters (%s); bind them first", strings.Join(names, ", "))
	}
	for _, i := range r.Allmende.Masked {
		if i >= 0 && i < len(r.Steps) {
			errs.add(i, r.Steps[i].Type, "value", "the value was masked when it was recorded; make it a parameter to replay this step")
		}
	}
	return errs.err()
}

func (r Recording) parameterList() string {
	ps := r.Parameters()
	if len(ps) == 0 {
		return " (it has none)"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return " (it has " + strings.Join(names, ", ") + ")"
}

// controlChar returns the first control character in s.
func controlChar(s string) (rune, bool) {
	for _, c := range s {
		if unicode.IsControl(c) {
			return c, true
		}
	}
	return 0, false
}

// escapeComponent percent-encodes every byte of s but RFC 3986's unreserved
// characters, which is safe anywhere in a URL's path or query.
func escapeComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
