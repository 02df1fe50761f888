package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

// modelForm reads the form a model is registered with. The upstream key
// is a secret: it goes into the model, never back into the form.
func modelForm(r *http.Request) (model.Model, form, error) {
	v := fields(r.PostForm.Get, "id", "name", "kind", "upstream_url", "upstream_model", "upstream_key", "price_per_call", "price_per_1k_tokens", "datanets")
	bad := problem.Fields{}
	price := func(k string) int64 {
		n, err := strconv.ParseInt(v[k], 10, 64)
		if err != nil && v[k] != "" {
			bad.Add(k, "a whole number of points")
		}
		return n
	}
	m := model.Model{Slug: v["id"], Name: v["name"], Kind: model.Kind(v["kind"]), UpstreamURL: v["upstream_url"], UpstreamModel: v["upstream_model"],
		UpstreamKey: v["upstream_key"], PricePerCall: price("price_per_call"), PricePer1kTokens: price("price_per_1k_tokens"), Datanets: splitList(v["datanets"])}
	v["upstream_key"] = "" // never echo a secret back into a page
	return m, form{Values: v}, bad.Err()
}
