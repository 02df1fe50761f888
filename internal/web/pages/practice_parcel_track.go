package pages

import (
	"hash/fnv"
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/allmende/allmende/internal/problem"
)

var practiceResult = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parcel {{.Number}} (practice)</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body><main class="narrow">
{{if .Problem}}<h1>Not found</h1><p class="error" id="problem">{{.Problem}}</p>
{{else}}<h1 id="parcel">Parcel {{.Number}}</h1>
<p id="status">{{.Status}}</p><p>Destination postcode <span id="dest">{{.Postcode}}</span>{{if .Notify}}; you will be notified of changes{{end}}.</p>
{{with .Day}}<p id="redelivery">Redelivery on {{.}}.</p>{{end}}{{with .Neighbour}}<p id="neighbour">{{.}} may take it.</p>{{end}}{{end}}
<p><a href="/practice/parcel" id="again">Track another parcel</a></p>
</main></body></html>`))

var parcelNumber = regexp.MustCompile(`^[A-Z0-9]{6,30}$`)

// practiceParcelTrack answers with a status that depends only on the
// number, so that a replay can check it.
func (p *Pages) practiceParcelTrack(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query().Get("number")
	if !parcelNumber.MatchString(parcelOf(r)) {
		return again(problem.New(problem.NotFound, "%q is not a parcel number: 6 to 30 letters and digits.", raw), showParcel, form{})
	}
	return showParcel(w, r, http.StatusOK, form{})
}

func parcelOf(r *http.Request) string {
	return strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("number")))
}

// showParcel is the practice site's answer; a number that is not one shows
// its problem on it.
func showParcel(w http.ResponseWriter, r *http.Request, status int, f form) error {
	q := r.URL.Query()
	number := parcelOf(r)
	data := map[string]any{"Number": number, "Postcode": strings.TrimSpace(q.Get("postcode")), "Notify": q.Get("notify") != "",
		"Day": q.Get("day"), "Neighbour": strings.TrimSpace(q.Get("neighbour"))}
	if f.Message != "" {
		data["Problem"] = f.Message
	} else {
		h := fnv.New32a()
		h.Write([]byte(number))
		data["Status"] = []string{"Out for delivery.", "At the depot.", "Delivered to a neighbour.", "Handed to the courier."}[h.Sum32()%4]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	// Once the status is written, a failure to write the rest cannot be
	// answered any more.
	_ = practiceResult.Execute(w, data)
	return nil
}
