package pages

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
)

// kanonForm reads the k-anonymous export's form, sent by GET so that a
// preview has an address to come back to: k and the quasi-identifiers
// (one checkbox per field, or a comma-separated list in a link). The
// datanet domain reads and checks them (datanet.ParseKAnon); the form
// keeps what was chosen to show it again.
func kanonForm(r *http.Request, d datanet.Datanet) (datanet.KAnonRequest, form, error) {
	q := r.URL.Query()
	f := form{Values: map[string]string{"k": strings.TrimSpace(q.Get("k"))}}
	for _, v := range q["quasi"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				f.Values["quasi:"+name] = "on"
			}
		}
	}
	req, err := datanet.ParseKAnon(d, q.Get("k"), q["quasi"])
	return req, f, err
}
