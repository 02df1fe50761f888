package program

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Transforms a value may go through, by name. A date transform is
// "date:FROM>TO" with FROM and TO names of DateFormats.
var Transforms = []string{"upper", "lower", "title"}

// DateFormats are the date layouts a date transform converts between.
var DateFormats = map[string]string{
	"iso":      "2006-01-02",
	"dmy":      "02/01/2006",
	"mdy":      "01/02/2006",
	"dmy-dot":  "02.01.2006",
	"long":     "2 January 2006",
	"us-long":  "January 2, 2006",
	"short":    "2 Jan 2006",
	"us-short": "Jan 2, 2006",
}

// dateOrder fixes the order in which formats are tried, so that learning
// is deterministic.
var dateOrder = []string{"iso", "dmy", "mdy", "dmy-dot", "long", "us-long", "short", "us-short"}

// parseDate reads s in a named format; numeric day and month may have one
// digit ("3/7/2026").
func parseDate(format, s string) (time.Time, bool) {
	layout, ok := DateFormats[format]
	if !ok {
		return time.Time{}, false
	}
	// Most texts tried are not dates: a date has a digit.
	if !strings.ContainsAny(s, "0123456789") {
		return time.Time{}, false
	}
	if t, err := time.Parse(layout, s); err == nil {
		return t, true
	}
	if format == "iso" {
		return time.Time{}, false
	}
	t, err := time.Parse(looseLayouts[format], s)
	return t, err == nil
}

// looseLayouts are DateFormats with one-digit day and month.
var looseLayouts = func() map[string]string {
	r := strings.NewReplacer("02", "2", "01", "1")
	out := map[string]string{}
	for name, layout := range DateFormats {
		out[name] = r.Replace(layout)
	}
	return out
}()

// ApplyTransform returns s transformed by name ("" leaves it as it is).
func ApplyTransform(name, s string) (string, error) {
	switch name {
	case "":
		return s, nil
	case "upper":
		return strings.ToUpper(s), nil
	case "lower":
		return strings.ToLower(s), nil
	case "title":
		return title(s), nil
	}
	if spec, ok := strings.CutPrefix(name, "date:"); ok {
		from, to, ok := strings.Cut(spec, ">")
		_, okFrom := DateFormats[from]
		layout, okTo := DateFormats[to]
		if !ok || !okFrom || !okTo {
			return "", fmt.Errorf("unknown date transform %q (want date:FROM>TO, formats %s)", name, strings.Join(dateOrder, ", "))
		}
		t, ok := parseDate(from, strings.TrimSpace(s))
		if !ok {
			return "", fmt.Errorf("%q is not a date written as %s", s, DateFormats[from])
		}
		return t.Format(layout), nil
	}
	return "", fmt.Errorf("unknown transform %q", name)
}

// title capitalises the first letter of each word and lowers the rest.
func title(s string) string {
	out := []rune(strings.ToLower(s))
	start := true
	for i, r := range out {
		if unicode.IsLetter(r) && start {
			out[i] = unicode.ToUpper(r)
		}
		start = unicode.IsSpace(r) || r == '-'
	}
	return string(out)
}

// transformsTo lists the transforms that turn from into to, simplest
// first ("" when they are equal).
func transformsTo(from, to string) []string {
	var out []string
	if from == to {
		return []string{""}
	}
	for _, name := range Transforms {
		if got, _ := ApplyTransform(name, from); got == to {
			out = append(out, name)
		}
	}
	for _, f := range dateOrder {
		t, ok := parseDate(f, from)
		if !ok {
			continue
		}
		for _, g := range dateOrder {
			if g != f && t.Format(DateFormats[g]) == to {
				out = append(out, "date:"+f+">"+g)
			}
		}
	}
	return out
}

// norm collapses runs of white space to one space and trims the ends, as
// the outline does with visible text.
func norm(s string) string {
	// Outline texts come collapsed already: keep them without copying.
	prev := ' '
	for _, r := range s {
		if unicode.IsSpace(r) && (r != ' ' || prev == ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
		prev = r
	}
	if prev == ' ' && s != "" {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}
