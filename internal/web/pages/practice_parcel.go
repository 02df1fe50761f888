package pages

import (
	"html/template"
	"net/http"
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

func (p *Pages) practiceParcel(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = practiceForm.Execute(w, map[string]any{"Days": []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}})
	return nil
}
