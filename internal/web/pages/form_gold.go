package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/problem"
)

// goldForm reads a curator's gold mark on an accepted record: gold "on"
// marks it a gold record, "off" takes the mark away; anything else is a
// problem naming the field. The datanet it goes back to comes along.
func goldForm(r *http.Request) (bool, form, error) {
	v := fields(r.PostForm.Get, "gold", "datanet")
	f := form{Values: v}
	switch v["gold"] {
	case "on":
		return true, f, nil
	case "off":
		return false, f, nil
	}
	return false, f, &problem.Error{Kind: problem.Invalid, Message: "Say whether the record is a gold record.",
		Fields: map[string]string{"gold": "on to mark it a gold record, off to take the mark away"}}
}
