package pages

import (
	"net/http"
	"strings"
)

// samplesForm reads an automation's sample values from the author's form:
// a field sample_<name> for each parameter; an empty field gives no value
// (the parameter's default, if it has one).
func samplesForm(r *http.Request) (map[string]string, form) {
	samples := map[string]string{}
	f := form{Values: map[string]string{"panel": "samples"}}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "sample_"); ok && len(v) > 0 {
			f.Values[k] = v[0]
			if strings.TrimSpace(v[0]) != "" {
				samples[name] = v[0]
			}
		}
	}
	return samples, f
}
