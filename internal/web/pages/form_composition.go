package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// composeRows is how many parts the compose form offers; empty rows are
// left out.
const composeRows = 3

// compositionForm reads the form that chains listed automations: the
// publication's fields, part_<i>, output_<i> and input_<i> for each row,
// and the samples as "name = value" lines.
func compositionForm(r *http.Request, c points.Currency) (action.Composition, form, error) {
	names := []string{"id", "title", "description", "price_per_run", "samples"}
	for i := range composeRows {
		n := strconv.Itoa(i)
		names = append(names, "part_"+n, "output_"+n, "input_"+n)
	}
	v := fields(r.PostForm.Get, names...)
	f := form{Values: v}
	// A bad price does not stop the rest being read: the caller reports
	// every field's problem at once.
	price, badPrice := money(c, v["price_per_run"], 0, points.MaxRunPrice)
	bad := map[string]string{}
	comp := action.Composition{Publication: action.Publication{Slug: v["id"], Title: v["title"], Description: v["description"], PricePerRun: price}}
	for i := range composeRows {
		n := strconv.Itoa(i)
		if v["part_"+n] == "" {
			continue
		}
		comp.Parts = append(comp.Parts, action.Part{Automation: v["part_"+n], Output: v["output_"+n], Input: v["input_"+n]})
	}
	samples := map[string]string{}
	for _, line := range strings.Split(v["samples"], "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			if strings.TrimSpace(line) != "" && bad["samples"] == "" {
				bad["samples"] = "a line without '=': " + strings.TrimSpace(line)
			}
			continue
		}
		samples[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	if len(samples) > 0 {
		comp.Samples = samples
	}
	switch {
	case badPrice != "":
		bad["price_per_run"] = badPrice
		return comp, f, &problem.Error{Kind: problem.Invalid, Message: moneyRefusal("The price per run", badPrice), Fields: bad}
	case len(bad) > 0:
		return comp, f, &problem.Error{Kind: problem.Invalid, Message: "Write each sample as name = value.", Fields: bad}
	}
	return comp, f, nil
}
