package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/problem"
)

// publicationForm reads the form a recording is published with as an
// automation.
func publicationForm(r *http.Request) (action.Publication, form, error) {
	v := fields(r.PostForm.Get, "id", "title", "description", "price_per_run")
	f := form{Values: v}
	price, err := strconv.ParseInt(v["price_per_run"], 10, 64)
	if err != nil {
		return action.Publication{}, f, &problem.Error{Kind: problem.Invalid, Fields: map[string]string{"price_per_run": "a whole number of points"}}
	}
	return action.Publication{Slug: v["id"], Title: v["title"], Description: v["description"], PricePerRun: price}, f, nil
}
