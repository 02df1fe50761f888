package action

import (
	"fmt"
	"sort"
	"strings"

	"github.com/allmende/allmende/internal/problem"
)

// RunValueMax is the longest value a run's parameter takes, in characters.
// A value is typed into one field of a web page (a tracking number, a
// search, an address); a thousand characters is more than any such field
// needs, and a longer value only fails the run after its price was held.
const RunValueMax = 1000

// checkRunValues refuses, before anything is held or queued, the values a
// run could only fail with: a blank value for a parameter without a
// default, a value longer than RunValueMax, or one that is not text. Each
// bad value is named by its parameter's label. A blank value for a
// parameter with a default is removed, so that the default applies: a
// form sends its empty fields too.
func checkRunValues(a Automation, values map[string]string) error {
	labels := map[string]string{}
	defaults := map[string]bool{}
	for _, p := range a.Parameters {
		labels[p.Name] = p.Name
		if p.Label != "" {
			labels[p.Name] = p.Label
		}
		defaults[p.Name] = p.Default != ""
	}
	f := problem.Fields{}
	for name, v := range values {
		field := "params." + name
		if !f.TextUpTo(field, v, RunValueMax) {
			continue
		}
		switch {
		case strings.TrimSpace(v) == "" && defaults[name]:
			delete(values, name)
		case strings.TrimSpace(v) == "":
			f.Add(field, "type a value")
		}
	}
	if len(f) == 0 {
		return nil
	}
	said := make([]string, 0, len(f))
	for field, msg := range f {
		name := strings.TrimPrefix(field, "params.")
		label := labels[name]
		if label == "" {
			label = name
		}
		said = append(said, fmt.Sprintf("%s: %s", label, msg))
	}
	sort.Strings(said)
	return &problem.Error{Kind: problem.Invalid, Message: "Check the values: " + strings.Join(said, "; "), Fields: f}
}
