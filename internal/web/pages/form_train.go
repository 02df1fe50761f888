package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

// trainForm reads the form a model version is asked for with.
func trainForm(r *http.Request) (model.TrainRequest, form, error) {
	v := fields(r.PostForm.Get, "source", "datanets", "datanet_versions", "label_field", "project", "held_out", "kind", "epochs", "k")
	bad := problem.Fields{}
	num := func(k string) float64 {
		if v[k] == "" {
			return 0
		}
		n, err := strconv.ParseFloat(v[k], 64)
		if err != nil {
			bad.Add(k, "a number")
		}
		return n
	}
	whole := func(k string) int {
		if v[k] == "" {
			return 0
		}
		n, err := strconv.Atoi(v[k])
		if err != nil {
			bad.Add(k, "a whole number")
		}
		return n
	}
	var heldOut *float64
	if v["held_out"] != "" {
		h := num("held_out")
		heldOut = &h
	}
	req := model.TrainRequest{Datanets: splitList(v["datanets"]), Versions: splitList(v["datanet_versions"]), LabelField: v["label_field"], HeldOut: heldOut, Kind: v["kind"],
		Params: model.TrainParams{Epochs: whole("epochs"), K: whole("k")}}
	// One source: the project's labels, or the datanets and a field.
	if v["source"] == "project" {
		req.Datanets, req.Versions, req.LabelField, req.Project = nil, nil, "", v["project"]
		if req.Project == "" {
			bad.Add("project", "choose one of your text-classification projects")
		}
	}
	return req, form{Values: v}, bad.Err()
}
