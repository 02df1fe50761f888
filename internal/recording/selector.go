package recording

import (
	"fmt"
	"regexp"
	"strings"
)

// Selector prefixes the Recorder writes. A part without one is CSS.
const (
	PrefixARIA   = "aria/"
	PrefixText   = "text/"
	PrefixXPath  = "xpath/"
	PrefixPierce = "pierce/"
)

// SplitPart splits one selector part into its prefix ("aria/", "text/",
// "xpath/", "pierce/", or "" for CSS) and the rest.
func SplitPart(part string) (prefix, rest string) {
	for _, p := range [...]string{PrefixARIA, PrefixText, PrefixXPath, PrefixPierce} {
		if strings.HasPrefix(part, p) {
			return p, part[len(p):]
		}
	}
	return "", part
}

// ariaAttribute matches one [name="…"] or [role='…'] of an aria selector,
// as Puppeteer's ARIA query handler reads them.
var ariaAttribute = regexp.MustCompile(`\[\s*(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')\s*\]`)

// ParseARIA reads the part after "aria/": an accessible name, optionally
// followed or replaced by [role="…"] and [name="…"] attributes, as in
// `Submit[role="button"]`. Either may be empty, not both.
func ParseARIA(s string) (name, role string, err error) {
	var unknown string
	rest := ariaAttribute.ReplaceAllStringFunc(s, func(m string) string {
		sub := ariaAttribute.FindStringSubmatch(m)
		v := sub[2] + sub[3]
		switch sub[1] {
		case "name":
			name = v
		case "role":
			role = v
		default:
			if unknown == "" {
				unknown = sub[1]
			}
		}
		return ""
	})
	if unknown != "" {
		return "", "", fmt.Errorf("unknown aria attribute %q (known: name, role)", unknown)
	}
	if name == "" {
		name = strings.TrimSpace(rest)
	}
	if name == "" && role == "" {
		return "", "", fmt.Errorf("aria selector names neither an accessible name nor a role")
	}
	return name, role, nil
}

// checkPart reports what is wrong with one selector part, or "".
func checkPart(part string) string {
	if strings.TrimSpace(part) == "" {
		return "empty selector"
	}
	prefix, rest := SplitPart(part)
	switch prefix {
	case PrefixARIA:
		if _, _, err := ParseARIA(rest); err != nil {
			return err.Error()
		}
	case PrefixText, PrefixXPath, PrefixPierce:
		if strings.TrimSpace(rest) == "" {
			return fmt.Sprintf("%q selector is empty", prefix)
		}
	default:
		// CSS has no "word/" at its start, so such a part is a prefix this
		// package does not know rather than CSS.
		if i := strings.IndexByte(part, '/'); i > 0 && isWord(part[:i]) {
			return fmt.Sprintf("unknown selector prefix %q (known: aria/, text/, xpath/, pierce/, or none for CSS)", part[:i+1])
		}
	}
	return ""
}

func isWord(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
