package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// learnForm reads the form that learns an automation from the recording
// whose page it is on and the other recordings it names (ids, one per
// line or separated by commas). Values["form"] says the learn form, not
// the publish form beside it, is the one shown again.
//
// The price is typed in the cooperative's currency c.
func learnForm(r *http.Request, c points.Currency) (action.Publication, []string, form, error) {
	v := fields(r.PostForm.Get, "id", "title", "description", "price_per_run", "recordings")
	v["form"] = "learn"
	f := form{Values: v}
	ids := append([]string{r.PathValue("id")}, splitList(v["recordings"])...)
	price, bad := money(c, v["price_per_run"], 0, points.MaxRunPrice)
	if bad != "" {
		return action.Publication{}, nil, f, &problem.Error{Kind: problem.Invalid, Message: moneyRefusal("The price per run", bad), Fields: map[string]string{"price_per_run": bad}}
	}
	return action.Publication{Slug: v["id"], Title: v["title"], Description: v["description"], PricePerRun: price}, ids, f, nil
}
