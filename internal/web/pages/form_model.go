package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
)

// modelForm reads the form a model is registered with. The upstream key
// is a secret: it goes into the model, never back into the form. Prices
// are typed in the cooperative's currency c ("0.05"); empty is free.
func modelForm(r *http.Request, c points.Currency) (model.Model, form, error) {
	v := fields(r.PostForm.Get, "id", "name", "kind", "upstream_url", "upstream_model", "upstream_key", "price_per_call", "price_per_1k_tokens", "datanets",
		"context_records", "adapter", "trained_on_datanet", "trained_on_version")
	bad := problem.Fields{}
	price := func(k string) int64 {
		if v[k] == "" {
			return 0
		}
		n, why := money(c, v[k], 0, points.MaxPrice)
		if why != "" {
			bad.Add(k, "%s", why)
		}
		return n
	}
	m := model.Model{Slug: v["id"], Name: v["name"], Kind: model.Kind(v["kind"]), UpstreamURL: v["upstream_url"], UpstreamModel: v["upstream_model"],
		UpstreamKey: v["upstream_key"], PricePerCall: price("price_per_call"), PricePer1kTokens: price("price_per_1k_tokens"), Datanets: splitList(v["datanets"])}
	m.Assistant = assistantForm(v, bad)
	v["upstream_key"] = "" // never echo a secret back into a page
	return m, form{Values: v}, bad.Err()
}

// assistantForm reads the assistant part of the model form: records in
// the prompt, a LoRA adapter and the datanet version it was trained on.
// A model with none of them is no assistant.
func assistantForm(v map[string]string, bad problem.Fields) *model.Assistant {
	if v["context_records"] == "" && v["adapter"] == "" && v["trained_on_datanet"] == "" && v["trained_on_version"] == "" {
		return nil
	}
	a := &model.Assistant{Adapter: v["adapter"]}
	if v["context_records"] != "" {
		n, err := strconv.Atoi(v["context_records"])
		if err != nil {
			bad.Add("context_records", "a whole number of records")
		}
		a.Context = n
	}
	if v["trained_on_datanet"] != "" || v["trained_on_version"] != "" {
		n, err := strconv.Atoi(v["trained_on_version"])
		if err != nil {
			bad.Add("trained_on", "the datanet and the number of its version")
		}
		a.TrainedOn = &model.VersionRef{Datanet: v["trained_on_datanet"], Version: n}
	}
	return a
}
