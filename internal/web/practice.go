package web

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"regexp"
	"strings"
)

// The practice pages are a small task to record and automate without
// leaving the cooperative: track a parcel by its number and postcode. They
// are deliberately plain HTML, like the back-office tools most recorded
// work happens in.

var practiceForm = template.Must(template.New("parcel").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parcel tracker (practice)</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body><main class="narrow">
<h1>Track a parcel</h1>
<p class="hint">A practice page: record how you look up a parcel, then publish it as an automation.</p>
<form method="get" action="/practice/parcel/track" id="track-form">
  <label for="number">Parcel number</label><input id="number" name="number" autocomplete="off" placeholder="e.g. 1Z999AA10123456784">
  <label for="postcode">Postcode</label><input id="postcode" name="postcode" inputmode="numeric" placeholder="10115">
  <fieldset><legend>Redeliver on</legend>
    <label class="check"><input type="radio" name="day" value="" checked> No change</label>{{range .Days}}
    <label class="check"><input type="radio" name="day" id="day-{{.}}" value="{{.}}"> {{.}}</label>{{end}}
  </fieldset>
  <label for="neighbour">A neighbour who may take it (optional)</label><input id="neighbour" name="neighbour" autocomplete="off">
  <label class="check"><input type="checkbox" id="notify" name="notify" value="1"> Tell me when it changes</label>
  <button type="submit" id="track">Track</button>
</form>
</main></body></html>`))

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

func (s *Server) practiceParcel(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	practiceForm.Execute(w, map[string]any{"Days": []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}})
}

// practiceParcelTrack answers with a status that depends only on the
// number, so that a replay can check it.
func (s *Server) practiceParcelTrack(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	number := strings.ToUpper(strings.TrimSpace(q.Get("number")))
	data := map[string]any{"Number": number, "Postcode": strings.TrimSpace(q.Get("postcode")), "Notify": q.Get("notify") != "",
		"Day": q.Get("day"), "Neighbour": strings.TrimSpace(q.Get("neighbour"))}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !parcelNumber.MatchString(number) {
		data["Problem"] = fmt.Sprintf("%q is not a parcel number: 6 to 30 letters and digits.", q.Get("number"))
		w.WriteHeader(http.StatusNotFound)
	} else {
		h := fnv.New32a()
		h.Write([]byte(number))
		data["Status"] = []string{"Out for delivery.", "At the depot.", "Delivered to a neighbour.", "Handed to the courier."}[h.Sum32()%4]
	}
	practiceResult.Execute(w, data)
}
