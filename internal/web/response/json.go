package response

import (
	"encoding/json"
	"net/http"
)

// JSON writes v as the body, indented for people who read it with curl.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// List is an API list response: the list under its name, and "next", the
// cursor of the following page, when there is one.
type List map[string]any

// Next adds the cursor of the following page, if there is one.
func (l List) Next(cursor string) List {
	if cursor != "" {
		l["next"] = cursor
	}
	return l
}

// Download answers with a file to save rather than show.
func Download(w http.ResponseWriter, mediaType, name string, body []byte) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(body)
}
