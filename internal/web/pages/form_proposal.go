package pages

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// proposalForm reads the new-proposal form. The form speaks in what a
// person types — a quorum in percent, a window in days from now, one
// row per option — and the errors of the numbers it cannot read come
// back under the form's own field names.
//
// A value of a parameter that is money is typed in the cooperative's
// currency c ("15.00"), as the pages show it.
func proposalForm(r *http.Request, now time.Time, c points.Currency) (govern.Draft, form, error) {
	f := form{Values: map[string]string{}}
	errs := problem.Fields{}
	get := func(k string) string {
		v := strings.TrimSpace(r.PostForm.Get(k))
		f.Values[k] = v
		return v
	}
	d := govern.Draft{Title: get("title"), Text: get("text"), Mode: govern.Mode(get("mode")), Param: coop.Param(get("param"))}
	if q, err := strconv.ParseFloat(get("quorum"), 64); err != nil || math.IsNaN(q) {
		errs.Add("quorum", "a percentage, such as 25")
	} else {
		d.Quorum = q / 100
	}
	if days, err := strconv.Atoi(get("days")); err != nil {
		errs.Add("closes_at", "a whole number of days")
	} else {
		d.ClosesAt = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	// The topic is chosen for an advisory proposal only: a binding one's
	// is its parameter, a counter-proposal's the parameter it stops.
	if topic := get("topic"); d.Param == "" && strings.TrimSpace(r.PostForm.Get("stops")) == "" {
		d.Topic = govern.Topic(topic)
	}
	if stops := get("stops"); stops != "" {
		if n, err := strconv.ParseInt(stops, 10, 64); err != nil || n <= 0 {
			errs.Add("stops", "the number of the proposal whose change this stops")
		} else {
			d.Stops = n
		}
	}
	keep := get("status_quo")
	for i := range optionRows {
		n := strconv.Itoa(i)
		label, value := get("option_"+n), get("value_"+n)
		if label == "" && value == "" {
			continue
		}
		o := govern.Option{Label: label, StatusQuo: keep == n}
		if value != "" {
			var v int64
			var err error
			if moneyParam(d.Param) {
				lim := coop.Limits[d.Param]
				if v, err = c.ParseWithin(value, lim[0], lim[1]); err != nil {
					errs.Add("options", "option %d: %v", i+1, err)
					continue
				}
			} else if v, err = strconv.ParseInt(value, 10, 64); err != nil {
				errs.Add("options", "option %d: the value is a whole number", i+1)
				continue
			}
			o.Value = &v
		}
		d.Options = append(d.Options, o)
	}
	return d, f, errs.Err()
}
