package pages

import (
	"encoding/json"
	"net/http"

	"github.com/allmende/allmende/internal/problem"
)

// answerForm reads a task's answer: the annotation tool sends it as JSON
// in "answer"; the plain forms (classification, pairwise) send fields,
// of which the empty ones are dropped, so that a classification answer
// does not carry an empty "choice".
func answerForm(r *http.Request) ([]byte, error) {
	if answer := r.PostForm.Get("answer"); answer != "" {
		return []byte(answer), drawn(answer, r.PostForm.Get("nothing") != "")
	}
	out := map[string]string{}
	for _, k := range []string{"label", "choice", "reason"} {
		if v := r.PostForm.Get(k); v != "" {
			out[k] = v
		}
	}
	return json.Marshal(out)
}

// drawn checks that an answer from the annotation tool says what the
// worker meant: shapes, or "nothing to label here" ticked — an empty
// answer is a real answer (and paid), so it is never sent by accident,
// and shapes with the box ticked are a contradiction to resolve. An
// answer that is not JSON is left to the domain, which names its problem.
func drawn(answer string, nothing bool) error {
	var a struct{ Boxes, Polygons []json.RawMessage }
	if json.Unmarshal([]byte(answer), &a) != nil {
		return nil
	}
	n := len(a.Boxes) + len(a.Polygons)
	switch {
	case n == 0 && !nothing:
		return &problem.Error{Kind: problem.Invalid, Message: "nothing was drawn",
			Fields: map[string]string{"answer": "draw at least one shape, or tick “Nothing to label here”"}}
	case n > 0 && nothing:
		return &problem.Error{Kind: problem.Invalid, Message: "shapes were drawn and “Nothing to label here” is ticked",
			Fields: map[string]string{"nothing": "remove the shapes or untick it"}}
	}
	return nil
}
