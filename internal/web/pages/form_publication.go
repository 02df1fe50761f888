package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// publicationForm reads the form a recording is published with as an
// automation; the price is typed in the cooperative's currency c.
func publicationForm(r *http.Request, c points.Currency) (action.Publication, form, error) {
	v := fields(r.PostForm.Get, "id", "title", "description", "price_per_run")
	f := form{Values: v}
	price, bad := money(c, v["price_per_run"], 0, points.MaxRunPrice)
	if bad != "" {
		return action.Publication{}, f, &problem.Error{Kind: problem.Invalid, Message: moneyRefusal("The price per run", bad), Fields: map[string]string{"price_per_run": bad}}
	}
	return action.Publication{Slug: v["id"], Title: v["title"], Description: v["description"], PricePerRun: price}, f, nil
}
