package pages

import (
	"encoding/json"
	"net/http"
)

// answerForm reads a task's answer: the annotation tool sends it as JSON
// in "answer"; the plain forms (classification, pairwise) send fields,
// of which the empty ones are dropped, so that a classification answer
// does not carry an empty "choice".
func answerForm(r *http.Request) ([]byte, error) {
	if answer := r.PostForm.Get("answer"); answer != "" {
		return []byte(answer), nil
	}
	out := map[string]string{}
	for _, k := range []string{"label", "choice", "reason"} {
		if v := r.PostForm.Get(k); v != "" {
			out[k] = v
		}
	}
	return json.Marshal(out)
}
