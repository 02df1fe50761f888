package pages

import (
	"net/http"
	"strings"
)

// runForm reads the values of an automation's parameters from the form
// that starts a run: a field param_<name> for each.
func runForm(r *http.Request) map[string]string {
	values := map[string]string{}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "param_"); ok && len(v) > 0 {
			values[name] = v[0]
		}
	}
	return values
}
